using System.Text;

namespace Star1.Data.Tests.Sources;

/// <summary>A throw-away folder for one test's fixture files; removed when the test ends.</summary>
internal sealed class TempMirror : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("star1-sources-").FullName;

    /// <summary>Writes <paramref name="content"/> (UTF-8, no BOM, exactly as given) at a path under the root.</summary>
    public string Write(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    /// <summary>Writes raw bytes (for files that are deliberately not valid UTF-8).</summary>
    public string WriteBytes(string relativePath, byte[] content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string PathOf(string relativePath) => Path.Combine(Root, relativePath);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
