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

package rules

import (
	"slices"
	"time"
	_ "time/tzdata" // Time zones must resolve in images without zoneinfo.

	"github.com/pkg/errors"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

// An Activation is a spec's compiled activation windows: when it is
// active, failures have its mode's admission effect; outside, they are
// only recorded. A nil Activation is always active.
type Activation struct {
	loc     *time.Location
	windows []window
}

// A window is a compiled kspecv1alpha1.Window. Times are minutes after
// midnight; hasTimes is false for a whole-day window.
type window struct {
	days        [7]bool // by time.Weekday; all true when the window names no day
	hasTimes    bool
	start, end  int
	from, until *time.Time
}

func newActivation(a *kspecv1alpha1.Activation) (*Activation, error) {
	if a == nil {
		return nil, nil
	}
	if len(a.Windows) == 0 {
		return nil, errors.New("activation.windows: at least one window is required")
	}
	tz := a.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, errors.Errorf("activation.timeZone: %q is not an IANA time zone such as UTC or Europe/Berlin", tz)
	}
	out := &Activation{loc: loc}
	for i, w := range a.Windows {
		cw, err := newWindow(w)
		if err != nil {
			return nil, errors.Wrapf(err, "activation.windows[%d]", i)
		}
		out.windows = append(out.windows, cw)
	}
	return out, nil
}

var weekdays = map[kspecv1alpha1.Weekday]time.Weekday{
	"Sunday": time.Sunday, "Monday": time.Monday, "Tuesday": time.Tuesday, "Wednesday": time.Wednesday,
	"Thursday": time.Thursday, "Friday": time.Friday, "Saturday": time.Saturday,
}

func newWindow(w kspecv1alpha1.Window) (window, error) {
	var out window
	for _, d := range w.Days {
		wd, ok := weekdays[d]
		if !ok {
			return out, errors.Errorf("days: %q is not a day of the week such as Monday", d)
		}
		out.days[wd] = true
	}
	if len(w.Days) == 0 {
		out.days = [7]bool{true, true, true, true, true, true, true}
	}
	if (w.Start == "") != (w.End == "") {
		return out, errors.New("set both start and end, or neither for whole days")
	}
	if w.Start != "" {
		var err error
		if out.start, err = minutes(w.Start); err != nil {
			return out, errors.Wrap(err, "start")
		}
		if out.end, err = minutes(w.End); err != nil {
			return out, errors.Wrap(err, "end")
		}
		out.hasTimes = true
	}
	if w.From != nil {
		t := w.From.Time
		out.from = &t
	}
	if w.Until != nil {
		t := w.Until.Time
		out.until = &t
	}
	if out.from != nil && out.until != nil && !out.from.Before(*out.until) {
		return out, errors.New("from must be before until")
	}
	return out, nil
}

// minutes reads HH:MM as minutes after midnight.
func minutes(hhmm string) (int, error) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil || len(hhmm) != 5 {
		return 0, errors.Errorf("%q is not a time of day HH:MM from 00:00 to 23:59", hhmm)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Active reports whether the moment falls in one of the windows.
func (a *Activation) Active(t time.Time) bool {
	if a == nil {
		return true
	}
	return slices.ContainsFunc(a.windows, func(w window) bool { return w.contains(t, a.loc) })
}

// contains reports whether t falls in the window. A window with times is
// [start, end) on each of its days, in the activation's time zone; one
// that ends before it starts runs overnight into the next day, and one that
// ends when it starts lasts 24 hours. Days name the day a window opens.
func (w window) contains(t time.Time, loc *time.Location) bool {
	if (w.from != nil && t.Before(*w.from)) || (w.until != nil && !t.Before(*w.until)) {
		return false
	}
	local := t.In(loc)
	today := w.days[local.Weekday()]
	if !w.hasTimes {
		return today
	}
	yesterday := w.days[(local.Weekday()+6)%7]
	m := local.Hour()*60 + local.Minute()
	switch {
	case w.start < w.end:
		return today && m >= w.start && m < w.end
	default: // overnight, or a whole 24 hours from start
		return (today && m >= w.start) || (yesterday && m < w.end)
	}
}

// edges are the moments at which a window can open or close: its from
// and until, and its times of day (or midnights) from the day before to a
// week after t, and after its from and until, in the activation's zone.
func (a *Activation) edges(t time.Time) []time.Time {
	var out []time.Time
	for _, w := range a.windows {
		bases := []time.Time{t}
		for _, b := range []*time.Time{w.from, w.until} {
			if b != nil {
				out = append(out, *b)
				bases = append(bases, *b)
			}
		}
		for _, base := range bases {
			local := base.In(a.loc)
			for d := -1; d <= 8; d++ {
				day := time.Date(local.Year(), local.Month(), local.Day()+d, 0, 0, 0, 0, a.loc)
				if !w.hasTimes {
					out = append(out, day)
					continue
				}
				out = append(out,
					time.Date(day.Year(), day.Month(), day.Day(), w.start/60, w.start%60, 0, 0, a.loc),
					time.Date(day.Year(), day.Month(), day.Day(), w.end/60, w.end%60, 0, 0, a.loc))
			}
		}
	}
	return out
}

// NextChange is the first moment after now at which Active changes, when
// it changes within a week of now or of a window's from or until (windows
// repeat weekly: a later change is found by asking again then).
func (a *Activation) NextChange(now time.Time) (time.Time, bool) {
	if a == nil {
		return time.Time{}, false
	}
	active := a.Active(now)
	var next time.Time
	for _, e := range a.edges(now) {
		if e.After(now) && (next.IsZero() || e.Before(next)) && a.Active(e) != active {
			next = e
		}
	}
	return next, !next.IsZero()
}
