//go:build !linux

package capture

import (
	"errors"

	"github.com/google/gopacket"

	"l7sniff/decode"
)

// fanout groups capture sockets on Linux only; elsewhere one libpcap
// handle captures.
type fanout struct{ socks []*packetSocket }

type packetSocket struct{}

func fanoutCapable(string) bool { return false }

func openFanout(SourceConfig, string, int) (*Source, error) {
	return nil, errors.New("fanout capture needs Linux")
}

func (*fanout) setFilter(string) error              { return errors.New("fanout capture needs Linux") }
func (*fanout) stats() (recv, drop uint64, ok bool) { return 0, 0, false }
func (*fanout) close()                              {}

func (*packetSocket) Read() ([]byte, gopacket.CaptureInfo, decode.LinkType, error) {
	return nil, gopacket.CaptureInfo{}, 0, errors.New("fanout capture needs Linux")
}
