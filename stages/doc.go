// Package stages holds the stage arithmetic of an Upscale ARDM over 16-bit
// values, shared by the model (package ardm), the codec (package coder) and
// everything that reads their results.
//
// A 16-bit unsigned value x has, for branching factor b in {2, 4, 16, 256,
// 65536}, Count(b) = 16/log2(b) base-b digits, most significant first
// (digit 1 is the top one). Value(x, b, s) is x^(s) of the design notes: x
// with its lowest Count(b)-s digits zeroed, so x^(0) = 0 and x^(S) = x;
// stage s generates digit s given x^(s-1). b = 65536 is the one-stage case
// (OA-ARDM): the single digit is the whole value.
//
// Within a stage the positions are revealed in an order; StratifiedOrder is
// the one the coder's stream version 3 uses (bit-reversed, rotated), and
// DrawOrder draws its rotation from a caller's random source, as training,
// sampling and the policy bound do.
//
// Programmer errors (a stage or digit out of range, a branching factor
// outside the set) panic with a message that starts with "stages:".
package stages
