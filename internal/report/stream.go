/*
Copyright 2026 The kspec Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package report

// A Stream writes a report as its results are found, so that what a run
// holds does not grow with the number of results where the format allows:
// Begin writes what is known before evaluation, Results each batch of
// results in order, End the input errors, warnings and summary. Writing
// the whole report at once gives the same bytes as streaming it in any
// batches. Formats whose documents need every result before their first
// byte (Markdown, OSCAL, JUnit, PolicyReport) keep the results and write
// at End: linear in them.
type Stream interface {
	Begin(rep *Report) error
	Results(rs []Result) error
	End(rep *Report) error
}

// WriteAll writes a whole report to a stream.
func WriteAll(s Stream, rep *Report) error {
	results := rep.Results
	if err := s.Begin(rep); err != nil {
		return err
	}
	if err := s.Results(results); err != nil {
		return err
	}
	return s.End(rep)
}

// A Tally is what one rule's results in a stream come to: their counts,
// and the first notable ones (Result.Notable) up to a bound; More counts
// the notable results beyond it.
type Tally struct {
	Summary Summary
	Notable []Result
	More    int
}

// Tallies are a stream's results tallied by rule, for writers that need
// every result before they write (a summary first, a finding per rule).
type Tallies struct {
	// Max bounds each rule's Notable results.
	Max    int
	ByRule map[string]*Tally
	// Order are the rule ids in the order first seen.
	Order []string
}

// NewTallies returns tallies keeping at most max notable results a rule.
func NewTallies(max int) Tallies { return Tallies{Max: max, ByRule: map[string]*Tally{}} }

// Add tallies r.
func (ts *Tallies) Add(r Result) {
	t := ts.ByRule[r.Rule]
	if t == nil {
		t = &Tally{}
		ts.ByRule[r.Rule] = t
		ts.Order = append(ts.Order, r.Rule)
	}
	t.Summary.Count(r.Status)
	if !r.Notable() {
		return
	}
	if len(t.Notable) < ts.Max {
		t.Notable = append(t.Notable, r)
	} else {
		t.More++
	}
}
