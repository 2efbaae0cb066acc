using System.Globalization;

namespace Bridge.LoadTest.Macro;

/// <summary>Reads CPU time and memory of a process from /proc (Linux).</summary>
public static class ProcStats
{
    /// <summary>USER_HZ: the unit of utime/stime in /proc/&lt;pid&gt;/stat (100 on Linux x86-64 and arm64).</summary>
    private const double ClockTicksPerSecond = 100;

    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(fields[11], CultureInfo.InvariantCulture); // field 14
        var stime = long.Parse(fields[12], CultureInfo.InvariantCulture); // field 15
        return TimeSpan.FromSeconds((utime + stime) / ClockTicksPerSecond);
    }

    public static long StatusKilobytes(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();
}
