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

// A Fleet summarises the latest report of every target (cluster and
// specification) and their retained history.
type Fleet struct {
	Targets []Target `json:"targets"`
	// WorstRules are the rules failing on the most targets, worst first;
	// at most MaxWorstRules.
	WorstRules []RuleStanding `json:"worstRules"`
}

// MaxWorstRules bounds a fleet's worst rules.
const MaxWorstRules = 10

// A Target is one cluster checked against one specification.
type Target struct {
	Cluster       string `json:"cluster"`
	Specification string `json:"specification"`
	// Report is namespace/name of the latest ComplianceReport.
	Report string `json:"report"`
	Time   string `json:"time"`
	Score  int    `json:"score"`
	Failed int    `json:"failed"`
	// Trend is the score of every retained report, oldest first, the
	// latest last.
	Trend []Point `json:"trend"`
	// Drift counts the drift events of the target's DriftReports.
	Drift int `json:"drift,omitempty"`
}

// A Point is a score at a time.
type Point struct {
	Time  string `json:"time"`
	Score int    `json:"score"`
}

// A RuleStanding is how a rule fares across a fleet.
type RuleStanding struct {
	ID       string `json:"id"`
	Title    string `json:"title,omitempty"`
	Severity string `json:"severity"`
	// Targets is how many targets' latest reports fail the rule.
	Targets int `json:"targets"`
	// Violations is how many objects violate it across them.
	Violations int `json:"violations"`
}
