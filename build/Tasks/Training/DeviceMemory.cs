using System.Diagnostics;

namespace Star1.Build.Tasks.Training;

/// <summary>How much memory the training device has: the machine's RAM for the CPU (/proc/meminfo MemTotal), the
/// GPU's total memory from nvidia-smi for CUDA (TorchSharp exposes no device properties). Null when unknown.</summary>
public static class DeviceMemory
{
    public static long? Total(bool cuda) => cuda ? Gpu() : Ram();

    private static long? Ram()
    {
        if (!File.Exists("/proc/meminfo")) return null;
        var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kib, out var k) ? k * 1024 : null;
    }

    private static long? Gpu()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=memory.total --format=csv,noheader,nounits")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (process is null) return null;
            var first = process.StandardOutput.ReadLine();
            process.WaitForExit(5000);
            return long.TryParse(first?.Trim(), out var mib) ? mib * 1024 * 1024 : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
