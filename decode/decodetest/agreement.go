package decodetest

import (
	"fmt"
	"sort"
	"strings"
)

// Agreement counts, per field, the cells compared with an independent
// decoder's truth and how many agreed: the table the corpus tests print.
type Agreement map[string]*[2]int

// Add records one compared cell of field.
func (a Agreement) Add(field string, ok bool) {
	c := a[field]
	if c == nil {
		c = new([2]int)
		a[field] = c
	}
	c[0]++
	if ok {
		c[1]++
	}
}

// Table formats the counts, one field per line, in name order.
func (a Agreement) Table() string {
	names := make([]string, 0, len(a))
	for n := range a {
		names = append(names, n)
	}
	sort.Strings(names)
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%-36s %8s %8s %8s\n", "field", "cells", "agree", "%")
	for _, n := range names {
		c := a[n]
		fmt.Fprintf(&sb, "%-36s %8d %8d %7.2f%%\n", n, c[0], c[1], 100*float64(c[1])/float64(c[0]))
	}
	return sb.String()
}
