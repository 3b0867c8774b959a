package metrics

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ErrNoProcessInfo means the operating system did not tell (only Linux's /proc is read).
var ErrNoProcessInfo = errors.New("no process information")

// ResidentMemory returns the resident set size (VmRSS) of a process in bytes, from /proc/PID/status: the
// portal exposes its own, and the load command reads the server process's.
func ResidentMemory(pid int) (int64, error) {
	return statusField(pid, "VmRSS")
}

// PeakResidentMemory returns the highest resident set size (VmHWM) the process has had.
func PeakResidentMemory(pid int) (int64, error) {
	return statusField(pid, "VmHWM")
}

func statusField(pid int, field string) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNoProcessInfo, err)
	}
	return parseStatusKB(string(data), field)
}

// ParseVmRSS reads the resident set size in bytes from the text of /proc/PID/status.
func ParseVmRSS(status string) (int64, error) {
	return parseStatusKB(status, "VmRSS")
}

func parseStatusKB(status, field string) (int64, error) {
	for line := range strings.Lines(status) {
		rest, ok := strings.CutPrefix(line, field+":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			break
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			break
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("%w: no %s line in the process status", ErrNoProcessInfo, field)
}

// clockTicks is USER_HZ, the unit of the CPU times in /proc/PID/stat: 100 on every Linux platform Go
// supports.
const clockTicks = 100

// ProcessCPU returns the CPU time (user plus system) a process has used, from /proc/PID/stat; the load
// command divides it by the requests a server answered to get the server's cost per request.
func ProcessCPU(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNoProcessInfo, err)
	}
	return ParseStatCPU(string(data))
}

// ParseStatCPU reads utime + stime from the text of /proc/PID/stat. The command name (field 2) is in
// parentheses and may hold spaces, so the fields are counted from its closing parenthesis.
func ParseStatCPU(stat string) (time.Duration, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("%w: malformed stat", ErrNoProcessInfo)
	}
	fields := strings.Fields(stat[i+1:])
	// After the command: state(3) ppid(4) ... utime(14) stime(15); fields[0] is field 3.
	if len(fields) < 13 {
		return 0, fmt.Errorf("%w: short stat", ErrNoProcessInfo)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("%w: malformed CPU times", ErrNoProcessInfo)
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}
