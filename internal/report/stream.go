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
