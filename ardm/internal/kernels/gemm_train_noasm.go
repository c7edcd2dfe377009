//go:build !amd64 || purego

package kernels

// Only the portable kernel of mm exists on this architecture (or with the
// purego build tag).

// mmLevel selects the kernels of mm; only gemmLevelGo exists here.
var mmLevel = gemmMaxLevel

// mmBlocks leaves every column to mmGo.
func mmBlocks(dst []float32, ldd int, x []float32, xi, xp int, w []float32, ldw int, rows, cols, red int, acc bool) int {
	return 0
}
