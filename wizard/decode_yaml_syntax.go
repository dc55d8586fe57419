package wizard

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yaml.v3 reports a syntax error at the line where the enclosing block *starts* (its
// context mark), often many lines above the mistake, and in the parser's own words. These
// helpers find the line that breaks the document and say what is wrong in plain words.

// The search for the breaking line parses one prefix per line after the reported one:
// nothing for a manifest of a few hundred lines, and bounded so that a huge input is not
// parsed quadratically (it keeps the parser's line).
const (
	maxLocateLines = 1000
	maxLocateBytes = 64 << 10
)

// yamlSyntaxError is yamlError for a document that does not parse, with the line and
// column of the mistake itself.
func yamlSyntaxError(data []byte, err error) error {
	de, ok := yamlError(err).(*DecodeError)
	if !ok || de.Line == 0 {
		return yamlError(err)
	}
	problem := strings.TrimPrefix(de.Msg, "invalid YAML: ")
	lines := bytes.SplitAfter(data, []byte("\n"))
	line := de.Line
	if len(lines) <= maxLocateLines && len(data) <= maxLocateBytes {
		for k := de.Line; k <= len(lines); k++ {
			var n yaml.Node
			perr := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
			if perr == nil {
				continue
			}
			if pe, ok := yamlError(perr).(*DecodeError); ok && strings.TrimPrefix(pe.Msg, "invalid YAML: ") == problem {
				line = k
				break
			}
		}
	}
	column := 1
	if line >= 1 && line <= len(lines) {
		text := string(lines[line-1])
		column += len(text) - len(strings.TrimLeft(text, " ")) // a tab is the mistake, not indentation
	}
	return &DecodeError{Line: line, Column: column, Msg: "invalid YAML: " + plainYAMLProblem(problem)}
}

// plainYAMLProblem words the parser's most common complaints for people.
func plainYAMLProblem(problem string) string {
	switch {
	case strings.Contains(problem, "tab character"), strings.Contains(problem, "cannot start any token"):
		return "this line has a character YAML does not accept there, usually a tab; indent with spaces only"
	case strings.Contains(problem, "did not find expected key"),
		strings.Contains(problem, "did not find expected '-' indicator"),
		strings.Contains(problem, "mapping values are not allowed"),
		strings.Contains(problem, "block sequence entries are not allowed"):
		return "this line is not indented like the lines around it; keys of one mapping must start in the same column, and a nested one further right"
	case strings.Contains(problem, "did not find expected node content"):
		return "a value is missing here, or a list [ … ] or mapping { … } above is not closed"
	case strings.Contains(problem, "could not find expected ':'"):
		return "a key here has no ':' after it (write key: value)"
	case strings.Contains(problem, "found unexpected end of stream"), strings.Contains(problem, "did not find expected ',' or ']'"),
		strings.Contains(problem, "did not find expected ',' or '}'"):
		return "a list [ … ] or mapping { … } or a quoted text is not closed"
	}
	return problem
}
