package main

import (
	"math"
	"testing"
)

func TestMannWhitney(t *testing.T) {
	for _, tc := range []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}, 2.0 / 252},
		{[]float64{6, 7, 8, 9, 10}, []float64{1, 2, 3, 4, 5}, 2.0 / 252},
		{[]float64{1, 3, 5, 7, 9}, []float64{2, 4, 6, 8, 10}, 1},
		// U = 1: P(U <= 1) = 2/252.
		{[]float64{1, 2, 3, 4, 6}, []float64{5, 7, 8, 9, 10}, 4.0 / 252},
		// U = 2: P(U <= 2) = 4/252.
		{[]float64{1, 2, 3, 4, 7}, []float64{5, 6, 8, 9, 10}, 8.0 / 252},
	} {
		got := mannWhitney(tc.a, tc.b)
		if tc.want == 1 {
			if got < 0.5 {
				t.Errorf("mannWhitney(%v, %v) = %v, want large", tc.a, tc.b, got)
			}
		} else if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("mannWhitney(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestMedian(t *testing.T) {
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median = %v, want 2", m)
	}
	if m := median([]float64{4, 1, 2, 3}); m != 2.5 {
		t.Errorf("median = %v, want 2.5", m)
	}
}
