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
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kspecv1alpha1 "github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

func mustActivation(t *testing.T, tz string, ws ...kspecv1alpha1.Window) *Activation {
	t.Helper()
	a, err := newActivation(&kspecv1alpha1.Activation{TimeZone: tz, Windows: ws})
	require.NoError(t, err)
	return a
}

func at(t *testing.T, tz, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	require.NoError(t, err)
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	require.NoError(t, err)
	return v
}

func TestActivationActive(t *testing.T) {
	// 2026-12-04 is a Friday.
	mt := func(s string) *metav1.Time { v := metav1.NewTime(at(t, "UTC", s)); return &v }
	cases := map[string]struct {
		reason string
		tz     string
		w      kspecv1alpha1.Window
		now    string // in tz
		want   bool
	}{
		"WeekdayInside":      {"office hours on a listed day", "UTC", kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Friday"}, Start: "09:00", End: "17:00"}, "2026-12-04 09:00", true},
		"EndExclusive":       {"end is exclusive", "UTC", kspecv1alpha1.Window{Start: "09:00", End: "17:00"}, "2026-12-04 17:00", false},
		"BeforeStart":        {"before start", "UTC", kspecv1alpha1.Window{Start: "09:00", End: "17:00"}, "2026-12-04 08:59", false},
		"OtherDay":           {"a day not listed", "UTC", kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Monday"}, Start: "09:00", End: "17:00"}, "2026-12-04 10:00", false},
		"OvernightSameDay":   {"an overnight window after its start", "UTC", kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Friday"}, Start: "22:00", End: "06:00"}, "2026-12-04 23:30", true},
		"OvernightNextDay":   {"an overnight window runs into the next day", "UTC", kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Friday"}, Start: "22:00", End: "06:00"}, "2026-12-05 05:59", true},
		"OvernightEnded":     {"an overnight window ends at its end", "UTC", kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Friday"}, Start: "22:00", End: "06:00"}, "2026-12-05 06:00", false},
		"OvernightWrongDay":  {"the early hours belong to the day before", "UTC", kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Friday"}, Start: "22:00", End: "06:00"}, "2026-12-04 03:00", false},
		"WholeDay":           {"a window without times is whole days", "UTC", kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Saturday", "Sunday"}}, "2026-12-05 00:00", true},
		"WholeDayOther":      {"whole days only on listed days", "UTC", kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Saturday", "Sunday"}}, "2026-12-04 23:59", false},
		"SameStartEnd":       {"start equal to end lasts 24 hours", "UTC", kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Friday"}, Start: "12:00", End: "12:00"}, "2026-12-05 11:59", true},
		"TimeZone":           {"times are in the activation's zone", "Europe/Berlin", kspecv1alpha1.Window{Start: "09:00", End: "10:00"}, "2026-12-04 09:30", true},
		"BeforeFrom":         {"a window does not apply before from", "UTC", kspecv1alpha1.Window{From: mt("2026-12-10 00:00")}, "2026-12-04 12:00", false},
		"AfterFrom":          {"from is inclusive", "UTC", kspecv1alpha1.Window{From: mt("2026-12-04 12:00")}, "2026-12-04 12:00", true},
		"AtUntil":            {"until is exclusive", "UTC", kspecv1alpha1.Window{Until: mt("2026-12-04 12:00")}, "2026-12-04 12:00", false},
		"BeforeUntil":        {"before until", "UTC", kspecv1alpha1.Window{Until: mt("2026-12-04 12:00")}, "2026-12-04 11:59", true},
		"FromAndTimes":       {"from and times together", "UTC", kspecv1alpha1.Window{From: mt("2026-12-01 00:00"), Start: "09:00", End: "17:00"}, "2026-12-04 12:00", true},
		"DSTSpringForward":   {"a window across the spring-forward gap", "Europe/Berlin", kspecv1alpha1.Window{Start: "01:00", End: "04:00"}, "2027-03-28 03:30", true},
		"DSTSpringForwardNo": {"after the window on the spring-forward day", "Europe/Berlin", kspecv1alpha1.Window{Start: "01:00", End: "04:00"}, "2027-03-28 04:00", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := mustActivation(t, tc.tz, tc.w)
			assert.Equal(t, tc.want, a.Active(at(t, tc.tz, tc.now)), tc.reason)
		})
	}
	var none *Activation
	assert.True(t, none.Active(time.Now()), "no activation is always active")
	two := mustActivation(t, "UTC", kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Monday"}}, kspecv1alpha1.Window{Start: "12:00", End: "13:00"})
	assert.True(t, two.Active(at(t, "UTC", "2026-12-04 12:30")), "any one window suffices")
	assert.False(t, two.Active(at(t, "UTC", "2026-12-04 13:30")))
}

func TestActivationErrors(t *testing.T) {
	cases := map[string]struct {
		a    kspecv1alpha1.Activation
		want string
	}{
		"NoWindows":   {kspecv1alpha1.Activation{}, "at least one window"},
		"BadZone":     {kspecv1alpha1.Activation{TimeZone: "Mars/Olympus", Windows: []kspecv1alpha1.Window{{}}}, "not an IANA time zone"},
		"BadDay":      {kspecv1alpha1.Activation{Windows: []kspecv1alpha1.Window{{Days: []kspecv1alpha1.Weekday{"monday"}}}}, `activation.windows[0]: days: "monday"`},
		"OnlyStart":   {kspecv1alpha1.Activation{Windows: []kspecv1alpha1.Window{{Start: "09:00"}}}, "set both start and end"},
		"BadTime":     {kspecv1alpha1.Activation{Windows: []kspecv1alpha1.Window{{Start: "9:00", End: "10:00"}}}, `start: "9:00" is not a time of day`},
		"FromAfterTo": {kspecv1alpha1.Activation{Windows: []kspecv1alpha1.Window{{From: &metav1.Time{Time: time.Unix(100, 0)}, Until: &metav1.Time{Time: time.Unix(50, 0)}}}}, "from must be before until"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := newActivation(&tc.a)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestActivationNextChange(t *testing.T) {
	office := kspecv1alpha1.Window{Days: []kspecv1alpha1.Weekday{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}, Start: "09:00", End: "17:00"}
	cases := map[string]struct {
		tz   string
		ws   []kspecv1alpha1.Window
		now  string
		want string // in tz; empty: no change
	}{
		"Closes":         {"UTC", []kspecv1alpha1.Window{office}, "2026-12-04 10:00", "2026-12-04 17:00"},
		"OpensAfterWeek": {"UTC", []kspecv1alpha1.Window{office}, "2026-12-04 18:00", "2026-12-07 09:00"},
		"Overnight":      {"UTC", []kspecv1alpha1.Window{{Start: "22:00", End: "06:00"}}, "2026-12-04 23:00", "2026-12-05 06:00"},
		"Zone":           {"America/New_York", []kspecv1alpha1.Window{office}, "2026-12-04 08:00", "2026-12-04 09:00"},
		"Overlapping":    {"UTC", []kspecv1alpha1.Window{{Start: "09:00", End: "12:00"}, {Start: "11:00", End: "14:00"}}, "2026-12-04 10:00", "2026-12-04 14:00"},
		"AlwaysActive":   {"UTC", []kspecv1alpha1.Window{{}}, "2026-12-04 10:00", ""},
		"FromFarAhead": {"UTC", []kspecv1alpha1.Window{{From: &metav1.Time{Time: at(t, "UTC", "2027-02-01 00:00")}, Start: "09:00", End: "17:00", Days: []kspecv1alpha1.Weekday{"Tuesday"}}},
			"2026-12-04 10:00", "2027-02-02 09:00"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			a := mustActivation(t, tc.tz, tc.ws...)
			now := at(t, tc.tz, tc.now)
			got, ok := a.NextChange(now)
			if tc.want == "" {
				assert.False(t, ok, "got %s", got)
				return
			}
			require.True(t, ok)
			assert.True(t, at(t, tc.tz, tc.want).Equal(got), "want %s, got %s", tc.want, got.In(now.Location()))
			assert.NotEqual(t, a.Active(now), a.Active(got), "the activity must change at the moment returned")
			assert.Equal(t, a.Active(now), a.Active(got.Add(-time.Minute)), "and not before it")
		})
	}
}
