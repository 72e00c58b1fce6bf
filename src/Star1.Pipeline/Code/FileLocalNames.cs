using System.Text.RegularExpressions;

namespace Star1.Pipeline.Code;

/// <summary>
/// The compiler names a file-local type (C# <c>file class</c>, and every helper the regex source generator writes for
/// <c>[GeneratedRegex]</c>) <c>&lt;File&gt;F&lt;64 hex&gt;__Name</c>, the hex being a checksum of the source file's PATH. The
/// same commit built in another folder (a second clone, a CI runner) would then get other type names, so every stage
/// whose code uses a generated regex would look changed. The checksum is dropped from the names code is hashed under.
/// </summary>
/// <remarks>
/// Two file-local types of one assembly whose files share a name could then share a name too; the hasher keeps both
/// (it combines their hashes), so an edit to either still changes the identity.
/// </remarks>
internal static partial class FileLocalNames
{
    public static string Stable(string text) => PathChecksum().Replace(text, "F__");

    [GeneratedRegex(@"(?<=>)F[0-9A-F]{64}__")]
    private static partial Regex PathChecksum();
}
