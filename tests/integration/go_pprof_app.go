// A Go program that profiles itself with runtime/pprof (CPU, 3 s) and writes
// the profile to the file named by its argument; burn() is the hot function
// whose lines go_pprof_test.sh compares with `go tool pprof -list`.
package main

import (
	"math"
	"os"
	"runtime/pprof"
	"time"
)

func burn(d time.Duration) float64 {
	x := 0.0
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		for i := 0; i < 100000; i++ {
			x += math.Sqrt(float64(i) * x)
		}
		x = math.Mod(x, 1e9)
	}
	return x
}

func main() {
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		panic(err)
	}
	total := 0.0
	for i := 0; i < 30; i++ {
		total += burn(100 * time.Millisecond)
	}
	pprof.StopCPUProfile()
	f.Close()
	if total < 0 {
		os.Exit(1)
	}
}
