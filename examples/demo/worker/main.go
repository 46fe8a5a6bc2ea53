// demo-worker: the Go side of srclink's demo (scripts/demo). A batch job that
// generates orders, parses them, prices them, sorts them and checksums them,
// over and over for a few seconds, profiling itself with runtime/pprof; it
// writes the CPU profile to the file named by its argument. Each stage is a
// function whose hot line is a different one.
//
//	go build -o demo-worker main.go && ./demo-worker cpu.pprof [seconds]
package main

import (
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"
)

type order struct {
	id       int
	sku      string
	quantity int
	price    float64
	score    float64
}

// generateOrders formats n order lines as a CSV export would.
func generateOrders(n, seed int) []string {
	lines := make([]string, n)
	for i := range lines {
		k := (i*7919 + seed) % 100003
		lines[i] = fmt.Sprintf("%d,SKU-%05d,%d,%d.%02d", i, k%5000, 1+k%9, 5+k%200, k%100)
	}
	return lines
}

// parseOrders splits and converts every field.
func parseOrders(lines []string) []order {
	orders := make([]order, 0, len(lines))
	for _, line := range lines {
		fields := strings.Split(line, ",")
		id, _ := strconv.Atoi(fields[0])
		quantity, _ := strconv.Atoi(fields[2])
		price, _ := strconv.ParseFloat(fields[3], 64)
		orders = append(orders, order{id: id, sku: fields[1], quantity: quantity, price: price})
	}
	return orders
}

// priceOrders scores each order with some floating-point work.
func priceOrders(orders []order) float64 {
	total := 0.0
	for i := range orders {
		o := &orders[i]
		s := 0.0
		for k := 1; k <= 40; k++ {
			s += math.Sqrt(o.price*float64(k)) / math.Log(float64(k+o.quantity+1))
		}
		o.score = s
		total += o.price * float64(o.quantity)
	}
	return total
}

// sortOrders ranks orders by score, then by id.
func sortOrders(orders []order) {
	sort.Slice(orders, func(a, b int) bool {
		if orders[a].score != orders[b].score {
			return orders[a].score > orders[b].score
		}
		return orders[a].id < orders[b].id
	})
}

// checksum hashes every SKU many times, as a dedup pass would.
func checksum(orders []order) uint64 {
	var sum uint64
	for _, o := range orders {
		h := fnv.New64a()
		for r := 0; r < 8; r++ {
			h.Write([]byte(o.sku))
		}
		sum ^= h.Sum64()
	}
	return sum
}

func runBatch(seed int) (float64, uint64) {
	orders := parseOrders(generateOrders(20000, seed))
	total := priceOrders(orders)
	sortOrders(orders)
	return total, checksum(orders)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: demo-worker PROFILE.pprof [SECONDS]")
		os.Exit(2)
	}
	seconds := 3.0
	if len(os.Args) > 2 {
		if s, err := strconv.ParseFloat(os.Args[2], 64); err == nil && s > 0 {
			seconds = s
		}
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo-worker:", err)
		os.Exit(1)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, "demo-worker:", err)
		os.Exit(1)
	}
	end := time.Now().Add(time.Duration(seconds * float64(time.Second)))
	batches := 0
	var sum uint64
	for seed := 1; time.Now().Before(end); seed++ {
		_, s := runBatch(seed)
		sum ^= s
		batches++
	}
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "demo-worker:", err)
		os.Exit(1)
	}
	fmt.Printf("demo-worker: %d batches, checksum %x, profile in %s\n", batches, sum, os.Args[1])
}
