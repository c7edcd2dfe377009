package eval

// sizeOf gives the size in bytes of one coding of a file, false if the
// file has none.
type sizeOf func(f *FileResult) (int64, bool)

func classicBytes(f *FileResult) (int64, bool) {
	if f.Classic == nil {
		return 0, false
	}
	return f.Classic.Bytes, true
}

func budgetBytes(label string) sizeOf {
	return func(f *FileResult) (int64, bool) {
		b := f.budget(label)
		if b == nil || b.Coded == nil {
			return 0, false
		}
		return b.Coded.Bytes, true
	}
}

func baselineBytes(codec string) sizeOf {
	return func(f *FileResult) (int64, bool) {
		for _, b := range f.Baselines {
			if b.Codec == codec {
				return b.Bytes, true
			}
		}
		return 0, false
	}
}

// codecRow is one line of the codec comparison.
type codecRow struct {
	name     string
	files    int
	bytes    int64
	bpd      float64
	mean     float64 // 0: not known
	enc, dec float64 // seconds of audio per second; 0: not measured
	exact    string
	bytesOf  sizeOf
}

// codecRows lists every coding of the run: the classic coders, the coded
// budgets, the baselines.
func (r *Report) codecRows() []codecRow {
	s := &r.Summary
	var rows []codecRow
	if c := s.Classic; c != nil {
		rows = append(rows, codecRow{ClassicName, c.Files, c.Bytes, c.BitsPerSample, c.MeanPerFile, c.EncodeSpeed, c.DecodeSpeed, yesNo(true, c.AllExact), classicBytes})
	}
	for _, bu := range s.Budgets {
		if bu.CodedFiles > 0 {
			rows = append(rows, codecRow{"ardm model, budget " + bu.Label, bu.CodedFiles, bu.CodedBytes, bu.Coded, 0, bu.EncodeSpeed, bu.DecodeSpeed, yesNo(true, bu.AllExact), budgetBytes(bu.Label)})
		}
	}
	for _, bl := range s.Baselines {
		rows = append(rows, codecRow{bl.Setting, bl.Files, bl.Bytes, bl.BitsPerSample, bl.MeanPerFile, bl.EncodeSpeed, bl.DecodeSpeed, yesNo(true, bl.AllVerified), baselineBytes(bl.Codec)})
	}
	return rows
}

// versus compares a coding with each baseline over the files both have:
// the difference of their pooled bits per sample as a signed percentage
// of the baseline's ("-4.21%": 4.21% smaller), "-" without common files.
func (r *Report) versus(size sizeOf) []string {
	out := make([]string, len(r.Summary.Baselines))
	for i, bl := range r.Summary.Baselines {
		rel, ok := relative(r.Files, size, bl.Codec)
		out[i] = numOr(100*rel, ok, "%+.2f%%")
	}
	return out
}

// relative is the size of a coding over the files it shares with the
// baseline codec, relative to the baseline's on them, minus one; false
// without common files.
func relative(files []FileResult, size sizeOf, codec string) (float64, bool) {
	base := baselineBytes(codec)
	var a, b int64
	for j := range files {
		x, ok1 := size(&files[j])
		y, ok2 := base(&files[j])
		if ok1 && ok2 {
			a += x
			b += y
		}
	}
	if b == 0 {
		return 0, false
	}
	return float64(a)/float64(b) - 1, true
}
