# The maps' colours for the figures drawn outside `mapbench plot`
# (plots/go-vs-c.gp): the same as harness/figures/figures.c's figure_map_styles
# (tests/harness/test_figures.c checks that they agree).  A name this
# list does not know gets the reserved colour of its position i.
mapcolour(m, i) = \
	m eq 'syncmap' ? '#1f77b4' : \
	m eq 'rwlock' ? '#d62728' : \
	m eq 'lfht' ? '#2ca02c' : \
	m eq 'hashtrie' ? '#9467bd' : \
	m eq 'striped' ? '#ff7f0e' : \
	m eq 'striped_mx' ? '#bcbd22' : \
	m eq 'clht' ? '#8c564b' : \
	m eq 'ckht' ? '#e377c2' : \
	m eq 'unsync' ? '#17becf' : \
	m eq 'null' ? '#7f7f7f' : \
	m eq 'go:sync.Map' ? '#1f77b4' : \
	m eq 'go:RWMutexMap' ? '#d62728' : \
	word('#393b79 #637939 #e7ba52 #843c39 #7b4173 #000000 #9c9ede #004d40', (i - 1) % 8 + 1)
