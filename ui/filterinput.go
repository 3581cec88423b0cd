package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"l7sniff/decode"
	"l7sniff/engine"
	"l7sniff/engine/output"
)

// inputKind says what the line being edited is for.
type inputKind int

const (
	inputView    inputKind = iota // view filter (/)
	inputCapture                  // capture filter (F)
	inputFind                     // find text (ctrl+f)
	inputWrite                    // file name to write the view to (w)
)

var inputPrompts = [...]string{
	inputView:    "view filter › ",
	inputCapture: "capture filter › ",
	inputFind:    "find › ",
	inputWrite:   "write view to › ",
}

// input is the one-line editor for filters and prompts. Filters are
// compiled by libpcap as they are typed, so a typo shows at once with
// libpcap's own words, before anything is applied.
type input struct {
	kind     inputKind
	ti       textinput.Model
	validate func(string) error // nil: anything goes
	err      error              // validate's verdict on the current text
	hist     []string           // this kind's earlier entries, oldest first
	hpos     int                // position in hist while recalling
}

// bpfValidator checks an expression with libpcap for the capture's link
// type.
func bpfValidator(link decode.LinkType, snaplen int) func(string) error {
	return func(expr string) error {
		if strings.TrimSpace(expr) == "" {
			return nil
		}
		return engine.ValidateCaptureFilter(expr, link, snaplen)
	}
}

// viewFilterValidator checks a view filter expression (BPF with app,
// service and host) for the capture's link type.
func viewFilterValidator(link decode.LinkType) func(string) error {
	return func(expr string) error {
		if strings.TrimSpace(expr) == "" {
			return nil
		}
		return engine.ValidateViewFilter(expr, link)
	}
}

func newInput(kind inputKind, value string, validate func(string) error, hist []string) input {
	ti := textinput.New()
	ti.Prompt = inputPrompts[kind]
	ti.CharLimit = 1024
	ti.SetValue(value)
	ti.CursorEnd()
	ti.Focus()
	in := input{kind: kind, ti: ti, validate: validate, hist: hist, hpos: len(hist)}
	in.check()
	return in
}

func (in *input) check() {
	if in.validate != nil {
		in.err = in.validate(in.ti.Value())
	}
}

// inputResult is what a key did to the input.
type inputResult int

const (
	inputEditing inputResult = iota
	inputAccepted
	inputCancelled
)

// update handles a key: Enter accepts (unless the text is invalid), Esc
// cancels, ↑/↓ recall history, anything else edits.
func (in *input) update(msg tea.KeyMsg, keys *inputKeys) (inputResult, tea.Cmd) {
	switch {
	case key.Matches(msg, keys.Cancel):
		return inputCancelled, nil
	case key.Matches(msg, keys.Accept):
		in.check()
		if in.err != nil {
			return inputEditing, nil
		}
		return inputAccepted, nil
	case key.Matches(msg, keys.HistUp):
		in.recall(-1)
		return inputEditing, nil
	case key.Matches(msg, keys.HistDown):
		in.recall(+1)
		return inputEditing, nil
	}
	var cmd tea.Cmd
	before := in.ti.Value()
	in.ti, cmd = in.ti.Update(msg)
	if in.ti.Value() != before {
		in.check()
	}
	return inputEditing, cmd
}

func (in *input) recall(delta int) {
	if len(in.hist) == 0 {
		return
	}
	in.hpos = clamp(in.hpos+delta, 0, len(in.hist))
	v := ""
	if in.hpos < len(in.hist) {
		v = in.hist[in.hpos]
	}
	in.ti.SetValue(v)
	in.ti.CursorEnd()
	in.check()
}

// isFilter reports whether the input edits a BPF filter.
func (in *input) isFilter() bool { return in.kind == inputView || in.kind == inputCapture }

func (in *input) value() string { return strings.TrimSpace(in.ti.Value()) }

// setError shows an error from applying the text (the capture handle
// refused it, the file could not be created) while editing continues.
func (in *input) setError(err error) { in.err = err }

// status is the line above the input: the validation verdict, green or
// red with libpcap's message.
func (in *input) status(th *Theme, width int) string {
	switch {
	case in.err != nil:
		return th.Error.Render(fit("✗ "+output.Escape(in.err.Error()), width))
	case in.isFilter() && in.value() == "":
		return th.Label.Render(fit("empty: no filter", width))
	case in.isFilter():
		return th.OK.Render(fit("✓ valid BPF — enter applies, esc cancels", width))
	case in.kind == inputFind:
		return th.Label.Render(fit("text (any case) in the row, addresses or payload, or hex:4745 for bytes; ↑ recalls, enter finds", width))
	}
	return th.Label.Render(fit("enter accepts, esc cancels", width))
}

// view is the input line, its prompt coloured by validity.
func (in *input) view(th *Theme, width int) string {
	ti := in.ti
	ti.Width = max(width-len(ti.Prompt)-2, 10)
	switch {
	case in.err != nil:
		ti.PromptStyle = th.Error
	case in.isFilter():
		ti.PromptStyle = th.OK
	}
	return ti.View()
}

// remember appends v to a history, skipping a repeat of the last entry.
func remember(hist []string, v string) []string {
	if v == "" || (len(hist) > 0 && hist[len(hist)-1] == v) {
		return hist
	}
	return append(hist, v)
}
