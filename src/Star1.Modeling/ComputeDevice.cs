using TorchSharp;
using static TorchSharp.torch;

namespace Star1.Modeling;

/// <summary>
/// The device a stage computes on, from a params value: "auto" (CUDA when torch sees a GPU, else CPU),
/// "cpu", "cuda" or "cuda:N". Resolve it before any work: asking for CUDA on a machine or build without
/// one stops with a message saying which, not deep inside a forward pass.
/// </summary>
public static class ComputeDevice
{
    public static Device Resolve(string? setting) =>
        new(ResolveName(setting, cuda.is_available, () => cuda.device_count()));

    /// <summary>
    /// "cpu" or "cuda": what a setting means on this machine and build, for a fingerprint (bf16 and gradient
    /// checkpointing apply on CUDA only, so "auto" trains differently on a GPU). Cheap in the default build: with
    /// no CUDA natives deployed, "auto" is the CPU without starting torch.
    /// </summary>
    public static string Kind(string? setting)
    {
        var s = (setting ?? "auto").Trim().ToLowerInvariant();
        if (s is "" or "auto") return CudaNativesDeployed() && cuda.is_available() ? "cuda" : "cpu";
        return s.StartsWith("cuda", StringComparison.Ordinal) ? "cuda" : s;
    }

    private static bool CudaNativesDeployed() =>
        File.Exists(Path.Combine(AppContext.BaseDirectory, "libtorch_cuda.so")) ||
        File.Exists(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libtorch_cuda.so"));

    /// <summary>The device's name ("cpu", "cuda:0"); a Device object for CUDA can only be made where CUDA
    /// initialises, so the decision is tested on names.</summary>
    internal static string ResolveName(string? setting, Func<bool> cudaAvailable, Func<int> cudaCount)
    {
        var s = (setting ?? "auto").Trim().ToLowerInvariant();
        if (s is "" or "auto") return cudaAvailable() ? "cuda:0" : "cpu";
        if (s == "cpu") return "cpu";
        if (s == "cuda" || s.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (s.Length > 4 && (!int.TryParse(s[5..], out index) || index < 0))
                throw new ArgumentException($"device '{setting}': expected auto, cpu, cuda or cuda:N");
            if (!cudaAvailable())
                throw new InvalidOperationException(
                    $"device '{setting}' was asked for, but torch sees no CUDA GPU here. Either this machine has none, or the " +
                    "build uses the CPU natives (the default): build with -p:Star1Torch=cuda where TorchSharp-cuda-linux can be restored. " +
                    "Use device 'auto' or 'cpu' to run on the CPU.");
            int count = cudaCount();
            if (index >= count)
                throw new InvalidOperationException($"device '{setting}': only {count} CUDA device(s) are visible (cuda:0 to cuda:{count - 1})");
            return $"cuda:{index}";
        }
        throw new ArgumentException($"device '{setting}': expected auto, cpu, cuda or cuda:N");
    }
}
