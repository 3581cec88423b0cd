# l7sniff — the two commands a new user types are `make demo` and `make test`.
# What each needs is installed when missing: `deps` for building and the
# demo, `test-deps` (which includes deps) for the tests.

GO        ?= go
BIN       := bin/l7sniff
PKGS      := ./...
# Debian packages. Building (and so the demo, which only runs the binary on
# a bundled capture) needs libpcap-dev. The tests also need: tcpdump
# (readback), tmux (end-to-end UI), iproute2, python3, curl, openssl,
# openssh-server/-client, dnsmasq-base and bind9-dnsutils (live captures of
# real servers and clients in network namespaces), nfdump and pmacct (IPFIX
# collectors).
DEPS_PKGS := libpcap-dev
TEST_PKGS := tcpdump tmux iproute2 python3 curl openssl openssh-server openssh-client dnsmasq-base bind9-dnsutils nfdump pmacct
FUZZTIME  ?= 30s
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# --version shows the commit the binary was built from.
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo devel)

.PHONY: all deps test-deps build test bench bench-hyperscan fuzz fuzz-smoke demo vet clean

all: build

# apt_install installs those of the Debian packages $(1) that are missing
# and says which; apt's own output is shown only if it fails.
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "$@: installing$$missing"; \
		log=$$(mktemp); \
		if { $(SUDO) apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; } >$$log 2>&1; then \
			rm -f $$log; \
		else \
			cat $$log; rm -f $$log; echo "$@: apt-get failed (output above)"; exit 1; \
		fi; \
	fi
endef

deps:
	$(call apt_install,$(DEPS_PKGS))
	@$(GO) mod download

test-deps: deps
	$(call apt_install,$(TEST_PKGS))

build: deps
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) .

vet:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || { echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet $(PKGS)

test: test-deps vet build
	$(GO) test -count=1 -timeout 15m $(PKGS)
	# The concurrent parts again under the race detector: the pipeline and
	# the UI, and pattern hot reload while streams are being fed.
	$(GO) test -count=1 -race -timeout 10m ./engine/ ./engine/capture/ ./engine/ipfix/ ./ui/
	$(GO) test -count=1 -race -timeout 10m -run 'Watch|Reload' ./patterns/
	$(MAKE) --no-print-directory fuzz-smoke

# Go benchmarks of the hot path (0 allocs/op is the rule), summarised with
# benchstat, then the side-by-side run against tcpdump and tshark on the
# generated capture (bench-compare, below). Results: bench-*.txt/md.
bench: deps bench-tools bench-pcap
	L7SNIFF_BENCH_PCAP=$(BENCH_PCAP) $(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) ./decode/ ./patterns/ ./engine/ ./engine/capture/ ./engine/output/ | tee bench-go.txt
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" benchstat bench-go.txt | tee bench-go-stat.txt
	@$(MAKE) --no-print-directory bench-compare

# Each fuzz target runs for $(FUZZTIME); `make fuzz FUZZTIME=10m` for a long
# run. Inputs that crash land in testdata/fuzz/ of their package: commit them.
# Go 1.26's fuzz coordinator can end a run that found nothing with a bare
# "context deadline exceeded" when -fuzztime expires on a loaded machine
# (golang/go#75804, fixed in Go 1.27): such a run wrote no failing input,
# so it is reported and passed over; any other failure fails.
FUZZPKGS := ./decode/ ./patterns/ ./patterns/internal/automaton/ ./engine/ ./engine/capture/
fuzz: deps
	@log=$$(mktemp); trap 'rm -f $$log' EXIT; \
	for p in $(FUZZPKGS); do \
		for t in $$($(GO) test -list '^Fuzz' $$p | grep ^Fuzz); do \
			echo "fuzz $$p $$t"; \
			if ! $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p >$$log 2>&1; then \
				cat $$log; \
				if grep -q 'context deadline exceeded' $$log && ! grep -qE 'Failing input written|panic:|_test.go:[0-9]+:' $$log; then \
					echo "fuzz $$t: fuzztime ended by Go's coordinator race (golang/go#75804), no failing input: passed over"; \
				else exit 1; fi; \
			fi; \
		done; \
	done

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=5s

# The bundled capture at its own pace, over and over until `q`.
demo: build
	$(BIN) --replay --loop -r testdata/demo.pcap

clean:
	rm -rf bin bench-*.txt bench-*.md

# Streaming matcher vs Hyperscan 5.4 stream mode on identical chunks, in one
# run. libhyperscan-dev is installed only for this target; l7sniff never
# links it otherwise. Summarised with benchstat into bench-hyperscan.txt.
bench-hyperscan: deps
	$(call apt_install,libhyperscan-dev pkg-config)
	@command -v benchstat >/dev/null 2>&1 || $(GO) install golang.org/x/perf/cmd/benchstat@latest
	$(GO) test -tags hyperscan -run '^$$' -bench 'Stream|Hyperscan|Compile' -benchmem -count 5 ./patterns/ | tee bench-hyperscan.txt
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" benchstat bench-hyperscan.txt

# UI responsiveness, measured from outside through tmux while the binary
# reads an endless capture at full speed: keypress-to-screen latency
# (median, p99), the redraw rate (capped at 30 fps) and packets lost (0).
.PHONY: bench-ui
bench: bench-ui
bench-ui: test-deps
	$(GO) test -run '^$$' -bench Responsiveness -benchtime 100x -count 3 ./ui/ | tee bench-ui.txt

# ---- Throughput, memory and live-load benchmarks (BENCH.md) ----
# The capture is generated by engine/internal/benchgen into BENCH_DIR,
# outside the repository: 2M packets, 50k concurrent flows, ~1.3 GB.
# `make bench-compare BENCH_PACKETS=200000 BENCH_FLOWS=5000` is a quick run.
BENCH_DIR     ?= /tmp/l7sniff-bench
BENCH_PACKETS ?= 2000000
BENCH_FLOWS   ?= 50000
BENCH_COUNT   ?= 6
BENCH_RUNS    ?= 3
# Bump BENCHGEN_VERSION when the generator's output changes, so a stale
# capture is not reused.
BENCHGEN_VERSION := 2
BENCH_PCAP    ?= $(BENCH_DIR)/bench-v$(BENCHGEN_VERSION)-$(BENCH_PACKETS)p-$(BENCH_FLOWS)f.pcap
BENCHGEN      := $(BENCH_DIR)/benchgen
BENCHRUN      := $(BENCH_DIR)/benchrun
SOAK_FOR      ?= 5m
BENCH_TOOLS   := tcpdump tshark time tcpreplay iproute2

.PHONY: bench-tools bench-bin bench-pcap bench-compare soak bench-live

# tshark's package asks whether non-root users may capture; answer no.
bench-tools:
	@dpkg -s tshark >/dev/null 2>&1 || \
		echo 'wireshark-common wireshark-common/install-setuid boolean false' | $(SUDO) debconf-set-selections
	$(call apt_install,$(BENCH_TOOLS))
	@[ -x "$$($(GO) env GOPATH)/bin/benchstat" ] || command -v benchstat >/dev/null 2>&1 || \
		$(GO) install golang.org/x/perf/cmd/benchstat@latest

bench-bin:
	@mkdir -p $(BENCH_DIR)
	$(GO) build -o $(BENCHGEN) ./engine/internal/benchgen/cmd/benchgen
	$(GO) build -o $(BENCHRUN) ./engine/internal/benchgen/cmd/benchrun

bench-pcap: bench-bin
	@test -s $(BENCH_PCAP) || $(BENCHGEN) -n $(BENCH_PACKETS) -flows $(BENCH_FLOWS) -o $(BENCH_PCAP)

# l7sniff --flows and -T fields side by side with tcpdump and tshark.
bench-compare: build bench-tools bench-pcap
	$(BENCHRUN) compare -pcap $(BENCH_PCAP) -l7sniff $(BIN) -runs $(BENCH_RUNS) > bench-compare.md
	@cat bench-compare.md

# RSS of one l7sniff process over $(SOAK_FOR) of the capture replayed in
# a loop (`benchgen -loop FILE | l7sniff -r - --flows`). Not part of test.
soak: build bench-pcap
	$(BENCHRUN) soak -pcap $(BENCH_PCAP) -l7sniff $(BIN) -benchgen $(BENCHGEN) -for $(SOAK_FOR) > bench-soak.md
	@cat bench-soak.md

# Peak RSS with BENCH_SYNS flows live at once: a capture of TCP SYNs, each
# opening a new flow (benchgen -syn), read with default flags (the line
# printer) and with --flows. Not part of test.
BENCH_SYNS     ?= 1000000
BENCH_SYN_PCAP ?= $(BENCH_DIR)/syn-v$(BENCHGEN_VERSION)-$(BENCH_SYNS).pcap
.PHONY: bench-flowmem
bench-flowmem: build bench-bin
	@test -s $(BENCH_SYN_PCAP) || $(BENCHGEN) -syn -n $(BENCH_SYNS) -o $(BENCH_SYN_PCAP)
	@for mode in "" --flows; do \
		/usr/bin/time -f "l7sniff -r FILE $$mode: %e s wall, %U s user, %S s sys, %M KiB peak RSS" \
			$(BIN) -r $(BENCH_SYN_PCAP) $$mode >/dev/null; \
	done 2>&1 | grep '^l7sniff -r' | tee bench-flowmem.txt

# Kernel drops of l7sniff and tcpdump capturing the same veth while
# tcpreplay sends the capture into it at rising rates, inside network
# namespaces created and removed by the script. Root; not part of test.
bench-live: build bench-tools bench-pcap
	engine/internal/benchgen/live.sh $(BIN) $(BENCH_PCAP) > bench-live.md
	@cat bench-live.md

# IPFIX export's cost on the benchmark capture: `-r FILE --flows` with and
# without --ipfix to a local UDP collector, interleaved run by run; the
# overhead-% metric is the goal (< 5 %). `bench` runs it too (-bench .).
.PHONY: bench-ipfix
bench-ipfix: deps bench-pcap
	L7SNIFF_BENCH_PCAP=$(BENCH_PCAP) $(GO) test -run '^$$' -bench IPFIXExport -benchtime 6x ./engine/ | tee bench-ipfix.txt
