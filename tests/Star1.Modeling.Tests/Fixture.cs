using Star1.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace Star1.Modeling.Tests;

/// <summary>The reference checkpoints of Fixtures/ (made by Fixtures/make_fixtures.py) and scratch folders.</summary>
internal static class Fixture
{
    public static string Folder(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static Dictionary<string, Tensor> Expected(string name) =>
        SafeTensors.ReadAll(Path.Combine(Folder(name), "expected.safetensors"));

    /// <summary>A fresh folder under the temp directory, deleted when disposed.</summary>
    public sealed class Scratch : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"star1-modeling-{Guid.NewGuid():N}");
        public Scratch() => Directory.CreateDirectory(Path);
        public string this[string child] => System.IO.Path.Combine(Path, child);
        public void Dispose()
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
    }

    /// <summary>A copy of a fixture checkpoint that a test may edit.</summary>
    public static string CopyOf(string name, Scratch scratch)
    {
        var dest = scratch[name];
        Directory.CreateDirectory(dest);
        foreach (var f in Directory.GetFiles(Folder(name))) File.Copy(f, System.IO.Path.Combine(dest, System.IO.Path.GetFileName(f)));
        return dest;
    }
}
