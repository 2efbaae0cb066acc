using System.Diagnostics;
using System.Net.Sockets;

namespace Bridge.LoadTest.Macro;

/// <summary>
/// A server started as its own process (the gateway, the fake upstream), so its CPU time and memory
/// can be read from /proc apart from the load generator's. Output goes to a log file.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ChildProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string logPath, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process, log);
    }

    /// <summary>Waits until the port accepts TCP connections (or the process exits, or 60 s pass).</summary>
    public async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"process {Pid} exited with {_process.ExitCode} before listening on {port}");
            try
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"process {Pid} did not listen on {port} within 60 s");
    }

    /// <summary>User plus system CPU time, from /proc/&lt;pid&gt;/stat.</summary>
    public TimeSpan CpuTime() => ProcStats.CpuTime(Pid);

    /// <summary>Peak resident set size since the last <see cref="ResetPeakRss"/>, bytes.</summary>
    public long PeakRss() => ProcStats.StatusKilobytes(Pid, "VmHWM:") * 1024;

    public long Rss() => ProcStats.StatusKilobytes(Pid, "VmRSS:") * 1024;

    /// <summary>Resets VmHWM to the current RSS (writes 5 to /proc/&lt;pid&gt;/clear_refs; needs root or the same user).</summary>
    public bool ResetPeakRss()
    {
        try
        {
            File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
