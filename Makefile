# l7sniff — the two commands a new user types are `make demo` and `make test`.
# Everything else they need is installed by `deps` when missing.

GO        ?= go
BIN       := bin/l7sniff
PKGS      := ./...
# Debian packages: libpcap-dev to build; the rest are used by tests
# (live capture in network namespaces, tmux end-to-end, readback with tcpdump).
APT_PKGS  := libpcap-dev tcpdump tmux iproute2
FUZZTIME  ?= 30s
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build test bench bench-hyperscan fuzz fuzz-smoke demo vet clean

all: build

deps:
	@missing=""; for p in $(APT_PKGS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@$(GO) mod download

build: deps
	$(GO) build -o $(BIN) .

vet:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || { echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet $(PKGS)

test: deps vet build
	$(GO) test -count=1 -timeout 15m $(PKGS)
	$(MAKE) --no-print-directory fuzz-smoke

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./decode/ | tee bench-decode.txt

# Each fuzz target runs for $(FUZZTIME); `make fuzz FUZZTIME=10m` for a long
# run. Inputs that crash land in testdata/fuzz/ of their package: commit them.
FUZZPKGS := ./decode/ ./patterns/ ./patterns/internal/automaton/
fuzz: deps
	@for p in $(FUZZPKGS); do \
		for t in $$($(GO) test -list '^Fuzz' $$p | grep ^Fuzz); do \
			echo "fuzz $$p $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
		done; \
	done

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=5s

demo: build
	$(BIN) -r testdata/demo.pcap

clean:
	rm -rf bin bench-*.txt

# Streaming matcher vs Hyperscan 5.4 stream mode on identical chunks, in one
# run. libhyperscan-dev is installed only for this target; l7sniff never
# links it otherwise. Summarised with benchstat into bench-hyperscan.txt.
bench-hyperscan: deps
	@dpkg -s libhyperscan-dev >/dev/null 2>&1 || { \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends libhyperscan-dev pkg-config; }
	@command -v benchstat >/dev/null 2>&1 || $(GO) install golang.org/x/perf/cmd/benchstat@latest
	$(GO) test -tags hyperscan -run '^$$' -bench 'Stream|Hyperscan|Compile' -benchmem -count 5 ./patterns/ | tee bench-hyperscan.txt
	PATH="$$PATH:$$($(GO) env GOPATH)/bin" benchstat bench-hyperscan.txt
