package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ardm-dev/ardm/audio"
)

// TestSignalsCleanUp stops a compress with SIGTERM and SIGHUP once it has
// started writing: the exit status is 128 + the signal, and nothing but
// the input is left in the folder (no temporary file, no output).
func TestSignalsCleanUp(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, "long.wav")
			p := &audio.PCM{Format: audio.Format{SampleRate: 16000, BitDepth: 16, Channels: 1}, Data: [][]int32{make([]int32, 8*16000)}}
			for i := range p.Data[0] {
				p.Data[0][i] = int32((i*7919)%4000 - 2000)
			}
			if err := audio.WriteFile(in, p); err != nil {
				t.Fatal(err)
			}
			done := make(chan int)
			go func() {
				code, _, _ := runCapture(t, "compress", "--workers", "1", in)
				done <- code
			}()
			// Wait for the temporary output: the command is running and
			// its signal handler is installed.
			deadline := time.Now().Add(20 * time.Second)
			for {
				m, _ := filepath.Glob(filepath.Join(dir, ".long.ardm.*.tmp"))
				if len(m) > 0 {
					break
				}
				select {
				case code := <-done:
					t.Fatalf("compress ended (exit %d) before the signal", code)
				default:
				}
				if time.Now().After(deadline) {
					t.Fatal("no temporary output after 20 s")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := syscall.Kill(os.Getpid(), sig); err != nil {
				t.Fatal(err)
			}
			if code := <-done; code != 128+int(sig) {
				t.Fatalf("exit %d, want %d", code, 128+int(sig))
			}
			left, _ := os.ReadDir(dir)
			for _, e := range left {
				if e.Name() != "long.wav" {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}
