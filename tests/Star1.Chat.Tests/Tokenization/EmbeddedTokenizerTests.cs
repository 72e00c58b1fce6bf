using System.Diagnostics;
using Star1.Chat.Formats;
using Star1.Chat.Tokenization;

namespace Star1.Chat.Tests.Tokenization;

public class EmbeddedTokenizerTests
{
    [Fact]
    public void IsASmallByteLevelBpeWithTheR1TokensAfterTheLearnedVocabulary()
    {
        using var t = EmbeddedTokenizer.Load();
        Assert.InRange(t.VocabSize, 1000, EmbeddedTokenizer.TargetVocabSize);
        var learned = t.VocabSize - EmbeddedTokenizer.AddedTokens.Count;
        Assert.Equal(learned, t.BosId);
        Assert.Equal(learned + 1, t.EosId);
        Assert.Equal(t.EosId, t.PadId); // the paper pads with EOS
        Assert.Equal([learned + 4], t.Encode("<think>"));
        Assert.Equal([learned + 5], t.Encode("</think>"));
        Assert.Equal([97], t.Encode("a")); // byte symbols first, in byte order
    }

    [Fact]
    public void AnyTextSurvivesEncodeThenDecode()
    {
        using var t = EmbeddedTokenizer.Load();
        foreach (var text in new[] { "How do I pick a lock?", "Ünïcödé — “quotes”, 中文, 😀, \t tabs\r\n", "\u0001\u007f", "<think>\nx\n</think>\n\ny" })
            Assert.Equal(text, t.Decode(t.Encode(text), skipSpecial: false));
    }

    [Fact]
    public void CompressesTheTextItWasLearnedFrom()
    {
        using var t = EmbeddedTokenizer.Load();
        var policy = File.ReadAllText(Path.Combine(TestFiles.RepositoryRoot(), "prompts", "policies", "violence.md"));
        var perByte = t.Encode(policy).Length / (double)System.Text.Encoding.UTF8.GetByteCount(policy);
        Assert.InRange(perByte, 0.05, 0.35); // bytes alone would be 1.0
    }

    [Fact]
    public void BindsToTheR1FormatsButNotToOthers()
    {
        using var t = EmbeddedTokenizer.Load();
        var template = new ChatTemplate(ChatFormats.R1DistillQwen, t);
        Assert.Equal(t.EosId, template.EndOfTurnId);
        var e = Assert.Throws<InvalidOperationException>(() => new ChatTemplate(ChatFormats.Llama31Instruct, t));
        Assert.Contains("<|begin_of_text|>", e.Message);
    }

    [Fact]
    public void WrittenToACheckpointFolderItLoadsWithItsNamedTokens()
    {
        var dir = TestFiles.TempFolder();
        EmbeddedTokenizer.WriteTo(dir);
        using var t = HfTokenizer.Load(dir);
        using var embedded = EmbeddedTokenizer.Load();
        Assert.Equal(embedded.BosId, t.BosId);
        Assert.Equal(embedded.EosId, t.EosId);
        Assert.Equal(embedded.Encode("a question"), t.Encode("a question"));
    }

    [Fact]
    public void TheCommittedFileIsWhatTheTrainerLearnsFromTheRepositorysText()
    {
        // Fails when the demo corpus or the prompts change without regenerating
        // (dotnet run --project tools/Star1.MakeTokenizer), or when the trainer stops being deterministic.
        var watch = Stopwatch.StartNew();
        var result = EmbeddedTokenizer.Train(TestFiles.RepositoryRoot());
        Assert.Equal(System.Text.Encoding.UTF8.GetString(EmbeddedTokenizer.Bytes()), result.Json);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"training took {watch.Elapsed}");
    }
}
