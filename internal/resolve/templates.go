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

package resolve

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/pkg/errors"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/kspec-io/kspec/apis/kspec/v1alpha1"
)

//go:embed templates/*.yaml
var templateFiles embed.FS

// A Template is a built-in requirements template: a policyTemplate names
// it and sets its parameters.
type Template struct {
	// Name is what spec.policyTemplate.name says.
	Name string `json:"name"`
	// Description says what the template requires.
	Description string `json:"description"`
	// Parameters the template takes, in the order they are documented.
	Parameters []Parameter `json:"parameters"`
	// Requirements is a Go text/template over the parameters' typed
	// values (see Parameter.Type) that yields YAML requirements. Values
	// are written with the json function, so no value can add structure.
	Requirements string `json:"requirements"`

	tmpl *template.Template
}

// A ParameterType says how a parameter's string is read.
type ParameterType string

// Parameter types.
const (
	// TypeBoolean is true or false.
	TypeBoolean ParameterType = "boolean"
	// TypeInteger is a decimal integer between Minimum and Maximum.
	TypeInteger ParameterType = "integer"
	// TypeEnum is one of Values.
	TypeEnum ParameterType = "enum"
	// TypeString is a string that matches Pattern, or empty.
	TypeString ParameterType = "string"
	// TypeList is a comma-separated list of distinct items, each one of
	// Values or matching Pattern; empty is the empty list.
	TypeList ParameterType = "list"
)

// A Parameter is one parameter of a template. Every parameter has a
// default; the template's requirements see its typed value.
type Parameter struct {
	Name        string        `json:"name"`
	Type        ParameterType `json:"type"`
	Default     string        `json:"default"`
	Description string        `json:"description"`
	// Values are the allowed values of an enum, or of a list's items.
	Values []string `json:"values,omitempty"`
	// Pattern names what a string or a list item must be: registry,
	// namespace or kubernetesVersion (see patterns).
	Pattern string `json:"pattern,omitempty"`
	// Minimum and Maximum bound an integer.
	Minimum *int64 `json:"minimum,omitempty"`
	Maximum *int64 `json:"maximum,omitempty"`
	// MinItems and MaxItems bound a list.
	MinItems int `json:"minItems,omitempty"`
	MaxItems int `json:"maxItems,omitempty"`
}

// A pattern checks a string parameter or a list item: it returns what is
// wrong, or "".
type pattern func(string) string

// patterns are what a string parameter or list item can be required to
// be. registry and kubernetesVersion are the rules the API schema applies
// to workloads.images registries and to Kubernetes versions, so a bad
// value is reported against its parameter rather than the resolved spec.
var patterns = map[string]pattern{
	"registry": matches(regexp.MustCompile(`^([*][.])?[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?([.][a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*(:[0-9]+)?(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$`),
		"not a registry: want a host, *.domain, host:port or host/path without scheme, tag or trailing slash, such as ghcr.io/acme"),
	"kubernetesVersion": matches(regexp.MustCompile(`^v?(0|[1-9][0-9]*)[.](0|[1-9][0-9]*)([.](0|[1-9][0-9]*))?$`),
		"not a Kubernetes version: want MAJOR.MINOR or MAJOR.MINOR.PATCH, such as 1.32"),
	"namespace": func(s string) string {
		if msgs := validation.IsDNS1123Label(s); len(msgs) > 0 {
			return "not a namespace name: " + strings.Join(msgs, "; ")
		}
		return ""
	},
}

func matches(re *regexp.Regexp, msg string) pattern {
	return func(s string) string {
		if re.MatchString(s) {
			return ""
		}
		return msg
	}
}

// Templates returns the built-in templates, sorted by name. The result
// is shared: do not modify it.
func Templates() []*Template {
	ts, err := loadTemplates()
	if err != nil {
		// The templates are compiled into the binary and tested.
		panic(err)
	}
	return ts
}

var loadTemplates = sync.OnceValues(func() ([]*Template, error) {
	return readTemplates(templateFiles)
})

// readTemplates reads and checks every templates/*.yaml of fsys.
func readTemplates(fsys fs.FS) ([]*Template, error) {
	files, err := fs.Glob(fsys, "templates/*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*Template
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		t := &Template{}
		if err := yaml.UnmarshalStrict(b, t); err != nil {
			return nil, errors.Wrapf(err, "cannot read template %s", f)
		}
		if err := t.check(); err != nil {
			return nil, errors.Wrapf(err, "template %s", f)
		}
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *Template) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// check compiles the template and requires that its defaults are valid
// values and that it renders valid requirements with them.
func (t *Template) check() error {
	if !slices.Contains(templateNames(), t.Name) {
		return errors.Errorf("%q is not a TemplateName the API allows (%s)", t.Name, strings.Join(templateNames(), ", "))
	}
	tmpl, err := template.New(t.Name).Option("missingkey=error").Funcs(template.FuncMap{"json": toJSON}).Parse(t.Requirements)
	if err != nil {
		return err
	}
	t.tmpl = tmpl
	seen := map[string]bool{}
	for _, p := range t.Parameters {
		if seen[p.Name] {
			return errors.Errorf("parameter %s is declared twice", p.Name)
		}
		seen[p.Name] = true
		if p.Pattern != "" && patterns[p.Pattern] == nil {
			return errors.Errorf("parameter %s: unknown pattern %q", p.Name, p.Pattern)
		}
		if p.Description == "" {
			return errors.Errorf("parameter %s has no description", p.Name)
		}
	}
	_, errs := t.Apply(nil, field.NewPath("spec", "policyTemplate"))
	return errs.ToAggregate()
}

// templateNames are the names the API's TemplateName enum allows.
func templateNames() []string {
	return []string{
		string(v1alpha1.TemplateComplianceStrict),
		string(v1alpha1.TemplatePSSBaseline),
		string(v1alpha1.TemplatePSSRestricted),
		string(v1alpha1.TemplateSecurityBaseline),
	}
}

// LookupTemplate returns the built-in template of that name.
func LookupTemplate(name string) (*Template, bool) {
	for _, t := range Templates() {
		if t.Name == name {
			return t, true
		}
	}
	return nil, false
}

// applyTemplate returns the requirements a policyTemplate stands for. p
// is the path of the policyTemplate.
func applyTemplate(pt *v1alpha1.PolicyTemplate, p *field.Path) (v1alpha1.Requirements, field.ErrorList) {
	t, ok := LookupTemplate(string(pt.Name))
	if !ok {
		names := make([]string, 0, len(Templates()))
		for _, t := range Templates() {
			names = append(names, t.Name)
		}
		return v1alpha1.Requirements{}, field.ErrorList{field.NotSupported(p.Child("name"), string(pt.Name), names)}
	}
	return t.Apply(pt.Parameters, p)
}

// Apply renders the template's requirements with the parameters given
// (the defaults for the others). Every unknown parameter and bad value is
// an error at p.parameters[name].
func (t *Template) Apply(params map[string]string, p *field.Path) (v1alpha1.Requirements, field.ErrorList) {
	pp := p.Child("parameters")
	var errs field.ErrorList
	known := make([]string, len(t.Parameters))
	for i, d := range t.Parameters {
		known[i] = d.Name
	}
	for _, name := range slices.Sorted(maps.Keys(params)) {
		if !slices.Contains(known, name) {
			errs = append(errs, field.Invalid(pp.Key(name), params[name], fmt.Sprintf("template %s has no parameter %q; its parameters are %s", t.Name, name, strings.Join(known, ", "))))
		}
	}
	values := make(map[string]any, len(t.Parameters))
	for _, d := range t.Parameters {
		s, given := params[d.Name]
		if !given {
			s = d.Default
		}
		v, msg := d.parse(s)
		if msg != "" {
			if !given {
				msg = "default: " + msg
			}
			errs = append(errs, field.Invalid(pp.Key(d.Name), s, msg))
			continue
		}
		values[d.Name] = v
	}
	if len(errs) > 0 {
		return v1alpha1.Requirements{}, errs
	}
	reqs, err := t.render(values)
	if err != nil {
		return v1alpha1.Requirements{}, field.ErrorList{field.InternalError(p, errors.Wrapf(err, "template %s", t.Name))}
	}
	return reqs, nil
}

// parse reads a parameter's string as its type; it returns what is wrong,
// or "".
func (d Parameter) parse(s string) (any, string) {
	switch d.Type {
	case TypeBoolean:
		switch s {
		case "true":
			return true, ""
		case "false":
			return false, ""
		}
		return nil, "must be true or false"
	case TypeInteger:
		n, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err != nil:
			return nil, "must be a decimal integer"
		case d.Minimum != nil && n < *d.Minimum:
			return nil, fmt.Sprintf("must be at least %d", *d.Minimum)
		case d.Maximum != nil && n > *d.Maximum:
			return nil, fmt.Sprintf("must be at most %d", *d.Maximum)
		}
		return n, ""
	case TypeEnum:
		if !slices.Contains(d.Values, s) {
			return nil, "must be one of " + strings.Join(d.Values, ", ")
		}
		return s, ""
	case TypeString:
		if s == "" {
			return s, ""
		}
		return s, d.item(s)
	case TypeList:
		items := []string{}
		if strings.TrimSpace(s) != "" {
			for i, it := range strings.Split(s, ",") {
				it = strings.TrimSpace(it)
				if it == "" {
					return nil, fmt.Sprintf("item %d is empty: separate items with single commas", i+1)
				}
				if slices.Contains(items, it) {
					return nil, fmt.Sprintf("item %d (%s) is listed twice", i+1, it)
				}
				if msg := d.item(it); msg != "" {
					return nil, fmt.Sprintf("item %d (%s): %s", i+1, it, msg)
				}
				items = append(items, it)
			}
		}
		switch {
		case len(items) < d.MinItems:
			return nil, fmt.Sprintf("must list at least %d comma-separated item(s)", d.MinItems)
		case d.MaxItems > 0 && len(items) > d.MaxItems:
			return nil, fmt.Sprintf("must list at most %d items, not %d", d.MaxItems, len(items))
		}
		return items, ""
	}
	return nil, fmt.Sprintf("parameter type %q is unknown", d.Type)
}

// item checks a string or a list item against Values or Pattern.
func (d Parameter) item(s string) string {
	if len(d.Values) > 0 && d.Type == TypeList && !slices.Contains(d.Values, s) {
		return "must be one of " + strings.Join(d.Values, ", ")
	}
	if d.Pattern != "" {
		return patterns[d.Pattern](s)
	}
	return ""
}

// render executes the template and decodes the requirements strictly,
// without the empty blocks and lists that conditional parts leave.
func (t *Template) render(values map[string]any) (v1alpha1.Requirements, error) {
	var buf bytes.Buffer
	if err := t.tmpl.Execute(&buf, values); err != nil {
		return v1alpha1.Requirements{}, err
	}
	var tree any
	if err := yaml.Unmarshal(buf.Bytes(), &tree); err != nil {
		return v1alpha1.Requirements{}, errors.Wrapf(err, "rendered requirements are not YAML:\n%s", buf.String())
	}
	tree = prune(tree)
	if tree == nil {
		tree = map[string]any{}
	}
	b, err := json.Marshal(tree)
	if err != nil {
		return v1alpha1.Requirements{}, err
	}
	var reqs v1alpha1.Requirements
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&reqs); err != nil {
		return v1alpha1.Requirements{}, errors.Wrapf(err, "rendered requirements do not decode:\n%s", buf.String())
	}
	return reqs, nil
}

// prune drops nulls, empty lists and objects left empty by dropping them.
func prune(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if e = prune(e); e == nil {
				delete(v, k)
				continue
			}
			v[k] = e
		}
		if len(v) == 0 {
			return nil
		}
	case []any:
		if len(v) == 0 {
			return nil
		}
	}
	return v
}

// toJSON writes a value as JSON, which is YAML too: a parameter's value
// can only ever be a scalar or a list in the rendered requirements.
func toJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
