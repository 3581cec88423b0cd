package capture

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"l7sniff/decode/decodetest"
)

// TestFileInputChunking reads capture files through readers that hand
// over everything at once, a byte at a time, half of what was asked, or
// the last bytes together with io.EOF, and checks every packet against
// the frames the file was made of, and the end: io.EOF, or for a file
// cut inside its last record, the others and then a truncation error.
// The frames are large enough that records straddle the buffer's
// refills, and one file is three buffers long.
func TestFileInputChunking(t *testing.T) {
	var frames, large [][]byte
	for i := range 40 {
		frames = append(frames, decodetest.EthIPv4TCP(60+i*397%9000))
	}
	for range 3 * maxBlock / 9000 {
		large = append(large, decodetest.EthIPv4TCP(9000))
	}
	pcap, ng := decodetest.PcapFile(1, frames...), decodetest.PcapngFile(1, frames...)
	for _, c := range []struct {
		name   string
		file   []byte
		frames [][]byte
		cut    bool
	}{
		{"pcap", pcap, frames, false},
		{"pcap cut", pcap[:len(pcap)-100], frames[:len(frames)-1], true},
		{"pcapng", ng, frames, false},
		{"pcapng cut", ng[:len(ng)-7], frames[:len(frames)-1], true},
		{"pcap large", decodetest.PcapFile(1, large...), large, false},
	} {
		var want strings.Builder
		for _, f := range c.frames {
			fmt.Fprintf(&want, "%d %x\n", len(f), f[len(f)-8:])
		}
		for how, r := range map[string]io.Reader{
			"all":      bytes.NewReader(c.file),
			"one byte": iotest.OneByteReader(bytes.NewReader(c.file)),
			"half":     iotest.HalfReader(bytes.NewReader(c.file)),
			"data+EOF": iotest.DataErrReader(bytes.NewReader(c.file)),
		} {
			s, err := newFileSource("test", r, false)
			if err != nil {
				t.Fatalf("%s, %s: %v", c.name, how, err)
			}
			var got strings.Builder
			for {
				data, _, _, err := s.Read()
				if err != nil {
					if truncated := strings.Contains(err.Error(), errTruncated.Error()); truncated != c.cut || !c.cut && err != io.EOF {
						t.Errorf("%s, %s: ends with %v", c.name, how, err)
					}
					break
				}
				fmt.Fprintf(&got, "%d %x\n", len(data), data[len(data)-8:])
			}
			if got.String() != want.String() {
				t.Errorf("%s, %s: read\n%s\nwant\n%s", c.name, how, got.String(), want.String())
			}
		}
	}
}
