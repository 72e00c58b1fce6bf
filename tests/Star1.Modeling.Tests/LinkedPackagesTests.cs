using System.Diagnostics;
using Star1.Native;

namespace Star1.Modeling.Tests;

/// <summary>Directory.Build.props links package files into the outputs instead of copying them (libtorch is
/// 0.9 GB per project, and CI ran out of disk on the copies). The link must never let the build's own patch of
/// libLibTorchSharp.so (Directory.Build.targets) write through into the shared NuGet package folder.</summary>
public class LinkedPackagesTests
{
    private static string Native(string name) =>
        Directory.GetFiles(AppContext.BaseDirectory, name, SearchOption.AllDirectories).First();

    [Fact]
    public void Libtorch_in_the_output_is_a_link_to_the_package_not_a_copy()
    {
        string so = Native("libtorch_cpu.so");
        bool symbolic = new FileInfo(so).LinkTarget is not null;
        Assert.True(symbolic || HardLinks(so) > 1, $"{so} is a plain copy (an output folder from before the links? delete bin/ once)");
    }

    [Fact]
    public void The_patched_LibTorchSharp_is_the_outputs_own_file_and_the_packages_stays_as_shipped()
    {
        string output = Native("libLibTorchSharp.so");
        Assert.Null(new FileInfo(output).LinkTarget);
        Assert.Equal(1, HardLinks(output));
        Assert.True(ElfWeakVersionNeed.ReadNeeds(output).Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak);

        string[] shipped = PackageFolders()
            .Select(folder => Path.Combine(folder, "torchsharp"))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.GetFiles(folder, "libLibTorchSharp.so", SearchOption.AllDirectories))
            .ToArray();
        Assert.NotEmpty(shipped);
        foreach (string package in shipped)
            Assert.False(ElfWeakVersionNeed.ReadNeeds(package).Single(n => n.Name == "GLIBCXX_3.4.32").IsWeak,
                $"the build patched the package folder's own copy: {package}");
    }

    /// <summary>Where restore took packages from: the assets file's package folders (bin/Debug/net10.0 -> obj/).</summary>
    private static IEnumerable<string> PackageFolders()
    {
        string assets = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "obj", "project.assets.json"));
        Assert.True(File.Exists(assets), $"no restore assets at {assets}");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(assets));
        return json.RootElement.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name).ToList();
    }

    /// <summary>The file's hard link count; .NET has no API for it, coreutils' stat does.</summary>
    private static int HardLinks(string path)
    {
        var info = new ProcessStartInfo("stat", ["-c", "%h", path]) { RedirectStandardOutput = true };
        using var stat = Process.Start(info)!;
        string text = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        Assert.Equal(0, stat.ExitCode);
        return int.Parse(text.Trim());
    }
}
