package decode

import "testing"

var (
	httpRequest = []byte("GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n")
	// Two pipelined responses, the first with a body.
	httpResponses = []byte("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello" +
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
)

func TestHTTPRequest(t *testing.T) {
	p := decodeApp(t, true, 80, httpRequest, LayerHTTP)
	for field, want := range map[string]string{
		"http.request.method": "GET", "http.request.uri": "/index.html", "http.request.version": "HTTP/1.1",
		"http.host": "example.com", "http.user_agent": "curl/8.0", "http.accept": "*/*",
		"http.request.line":  `Host: example.com\r\n,User-Agent: curl/8.0\r\n,Accept: */*\r\n`,
		"http.response.code": "",
	} {
		if got := fieldValue(t, p, field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	if info, _ := p.AppendInfo(nil); string(info) != "GET /index.html HTTP/1.1" {
		t.Errorf("info %q", info)
	}
}

func TestHTTPPipelinedResponses(t *testing.T) {
	p := decodeApp(t, true, 8080, httpResponses, LayerHTTP)
	for field, want := range map[string]string{
		"http.response.code": "200,404", "http.response.phrase": "OK,Not Found",
		"http.server": "nginx", "http.content_type": "text/html", "http.content_length_header": "5,0",
	} {
		if got := fieldValue(t, p, field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	if whole, more := TCPMessages(8080, 40000, httpResponses[:30]); whole != 0 || !more {
		t.Errorf("a partial header block: TCPMessages = %d, %v", whole, more)
	}
	if whole, more := TCPMessages(8080, 40000, httpResponses); whole != len(httpResponses) || more {
		t.Errorf("whole responses: TCPMessages = %d, %v", whole, more)
	}
}

// On a port tshark gives no protocol, a request line claims the payload
// only when it is whole and names an HTTP/1 version.
func TestHTTPHeuristic(t *testing.T) {
	decodeApp(t, true, 4321, httpRequest, LayerHTTP)
	decodeApp(t, true, 4321, []byte("GET something\r\n"), LayerNone)
	decodeApp(t, false, 4321, httpRequest, LayerNone)
}

func FuzzHTTP(f *testing.F) {
	fuzzApp(f, true, 80, append(corpusPayloads(f, true, 80, 200, "http"), httpRequest, httpResponses))
}

// BenchmarkDecodeApp measures decoding a whole frame down to its
// application message, and its Info line.
func BenchmarkDecodeApp(b *testing.B) {
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"dns-response", appFrame(false, 53, dnsResponse)},
		{"http-request", appFrame(true, 80, httpRequest)},
	} {
		b.Run(c.name, func(b *testing.B) {
			var p Packet
			buf := make([]byte, 0, 512)
			b.SetBytes(int64(len(c.data)))
			b.ReportAllocs()
			for b.Loop() {
				Decode(LinkEthernet, c.data, len(c.data), &p)
				buf, _ = p.AppendInfo(buf[:0])
			}
		})
	}
}

// BenchmarkAppFields measures printing every occurrence of the DNS and
// HTTP fields, as -T fields -E occurrence=a does.
func BenchmarkAppFields(b *testing.B) {
	var p Packet
	data := appFrame(false, 53, dnsResponse)
	Decode(LinkEthernet, data, len(data), &p)
	var fields []*Field
	for _, f := range AllFields() {
		if f.nth != nil {
			fields = append(fields, f)
		}
	}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fields {
			for i, ok := 0, true; ok; i++ {
				buf, ok = f.AppendNth(buf[:0], &p, i)
			}
		}
	}
}
