using Star1.Chat.Tokenization;

namespace Star1.Chat.Tests.Tokenization;

public class ByteLevelBpeTrainerTests
{
    private static HfTokenizer Load(ByteLevelBpeTrainer.Result result)
    {
        var path = Path.Combine(TestFiles.TempFolder(), "tokenizer.json");
        File.WriteAllText(path, result.Json);
        return HfTokenizer.Load(path);
    }

    [Fact]
    public void LearnsTheMergesWorkedOutByHand()
    {
        // Pre-tokens: "aaab", " aab", " ab" (a space sticks to the letters after it). Pair counts: (a,a) 2+1 = 3,
        // (a,b) 1+1+1 = 3, (Ġ,a) 2. The tie goes to the smaller pair text, (a,a). After it: (a,b) 2 (in "aa a b"
        // and "Ġ a b"), every other pair 1, so (a,b) is next; then no pair is seen twice and training stops.
        var result = new ByteLevelBpeTrainer { VocabSize = 1000 }.Train(["aaab aab ab"]);
        Assert.Equal([("a", "a"), ("a", "b")], result.Merges);
        Assert.Equal(258, result.Vocab.Count);

        using var t = Load(result);
        // The 256 byte symbols come first in byte order, so a byte's id is its value: 'a' = 97, ' ' (Ġ) = 32.
        Assert.Equal([256, 257], t.Encode("aaab"));        // aa + ab
        Assert.Equal([32, 256, 98], t.Encode(" aab"));     // Ġ + aa + b: "Ġa" was never merged
    }

    [Fact]
    public void AnyTextEncodesThroughTheByteSymbolsAndDecodesBack()
    {
        var result = new ByteLevelBpeTrainer { VocabSize = 300, AddedTokens = [("<eos>", true)] }.Train(["hello hello hello"]);
        using var t = Load(result);
        Assert.Equal([195, 169], t.Encode("é")); // UTF-8 C3 A9, never seen in training
        foreach (var text in new[] { "déjà vu 😀 中文\ttab\r\nCRLF", "\u0000\u007f control", "  leading and trailing  " })
            Assert.Equal(text, t.Decode(t.Encode(text)));
        Assert.Equal([result.Vocab.Count], t.Encode("<eos>"));
    }

    [Fact]
    public void StopsAtTheRequestedVocabularySize()
    {
        var result = new ByteLevelBpeTrainer { VocabSize = 260, AddedTokens = [("<a>", true), ("<b>", true)] }
            .Train(["the quick brown fox jumps over the lazy dog, the end, the end, the end"]);
        Assert.Equal(258, result.Vocab.Count); // 260 - 2 added
        Assert.Equal(2, result.Merges.Count);
    }
}
