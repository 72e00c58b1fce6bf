// Learns the embedded default's tokenizer from the text this repository ships and writes
// src/Star1.Chat/Embedded/tokenizer.json. Run from the repository root:
//   dotnet run --project tools/Star1.MakeTokenizer            (or pass the root as the first argument)
using Star1.Chat.Tokenization;

var root = Path.GetFullPath(args.Length > 0 ? args[0] : ".");
if (!File.Exists(Path.Combine(root, "STAR1.sln")))
{
    Console.Error.WriteLine($"{root} is not the repository root (no STAR1.sln); run from there or pass it");
    return 2;
}
var result = EmbeddedTokenizer.Train(root);
var path = Path.Combine(root, "src", "Star1.Chat", "Embedded", "tokenizer.json");
File.WriteAllText(path, result.Json);
Console.WriteLine($"{path}: {result.Vocab.Count} learned tokens ({result.Merges.Count} merges) + {EmbeddedTokenizer.AddedTokens.Count} added, {new FileInfo(path).Length:N0} bytes");
// How well it compresses what it was learned from: a figure for the README, and a sanity check.
using var tokenizer = HfTokenizer.Load(path, EmbeddedTokenizer.Config);
long tokens = 0, bytes = 0;
foreach (var text in EmbeddedTokenizer.TrainingText(root))
{
    tokens += tokenizer.Encode(text).Length;
    bytes += System.Text.Encoding.UTF8.GetByteCount(text);
}
Console.WriteLine($"training text: {bytes:N0} bytes -> {tokens:N0} tokens ({(double)bytes / tokens:F2} bytes per token)");
return 0;
