using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Star1.Chat.Formats;
using Star1.Chat.Sft;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// The training set as Hugging Face chat JSONL for an external trainer: one <c>{"messages": [user, assistant]}</c>
/// line per example, in the training file's order. The assistant content is <see cref="SftBuilder.Reply"/>, the very
/// text the in-process trainer learns (think_flag, base_flag and the format's empty think block decided there), and
/// the user turn is the question with no system prompt, as in SftBuilder.Build. A row the in-process trainer would
/// refuse is refused here with the same message, so the two backends train on the same rows or neither runs.
/// </summary>
public static class ChatJsonl
{
    /// <summary>The file name inside the data folder: datasets.load_dataset(folder) reads it as the train split.</summary>
    public const string FileName = "train.jsonl";

    /// <summary>Writes the lines and returns how many were written.</summary>
    public static int Write(IReadOnlyList<SftItem> items, SftOptions options, ChatFormat format, string path)
    {
        // LF line ends and no BOM on every OS: the file is hashed and read by Python tools.
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        foreach (var item in items)
        {
            if (string.IsNullOrWhiteSpace(item.Question)) throw new InvalidDataException($"item {item.Key}: the question is empty");
            writer.WriteLine(Line(item.Question, SftBuilder.Reply(item, options, format)));
        }
        return items.Count;
    }

    private static string Line(string question, string reply)
    {
        var buffer = new MemoryStream();
        // Relaxed escaping keeps <think> and non-ASCII text readable in the file; it is still plain JSON.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartArray("messages");
            Message(json, "user", question);
            Message(json, "assistant", reply);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Message(Utf8JsonWriter json, string role, string content)
    {
        json.WriteStartObject();
        json.WriteString("role", role);
        json.WriteString("content", content);
        json.WriteEndObject();
    }
}
