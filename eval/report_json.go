package eval

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("eval: writing JSON report: %w", err)
	}
	return nil
}

// ReadReport reads a report written by WriteJSON.
func ReadReport(rd io.Reader) (*Report, error) {
	var r Report
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("eval: reading JSON report: %w", err)
	}
	if r.Version != ReportVersion {
		return nil, fmt.Errorf("eval: report version %d, want %d", r.Version, ReportVersion)
	}
	return &r, nil
}
