// Command ardm trains and applies Upscale ARDMs to audio: bit-depth
// upscaling, learned lossless compression, bpd reports and SC09 dataset jobs.
package main

import "os"

func main() { os.Exit(run(os.Args[1:])) }
