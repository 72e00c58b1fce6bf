using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using OpenAI.Batch;
using OpenAI.Files;
using Star1.Llm.Providers;

// The SDK marks its Batch client as experimental (OPENAI001); the Batch API itself is stable and this is the
// only code that touches the client, so an SDK change lands here alone.
#pragma warning disable OPENAI001

namespace Star1.Llm.Batch;

/// <summary>
/// Batch mode through the SDK's Files and Batch clients, on the provider's endpoint and key. Errors come out
/// as the provider's <see cref="ChatTransportException"/> so the runner retries them like chat requests.
/// </summary>
internal sealed class OpenAiBatchApi(OpenAiChatProvider provider) : IBatchApi
{
    // Made on first use: a batch run whose answers are all cached never reads the key.
    private readonly Lazy<OpenAIFileClient> _fileClient = new(provider.Client.GetOpenAIFileClient);
    private readonly Lazy<BatchClient> _batchClient = new(provider.Client.GetBatchClient);
    private OpenAIFileClient _files => _fileClient.Value;
    private BatchClient _batches => _batchClient.Value;

    public async Task<string> UploadAsync(BinaryData jsonl, string fileName, CancellationToken ct)
    {
        var response = await provider.SendAsync(async () => (ClientResult)await _files.UploadFileAsync(jsonl.ToStream(), fileName, FileUploadPurpose.Batch, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        return Id(response, "uploaded file");
    }

    public async Task<string> CreateAsync(string inputFileId, string completionWindow, CancellationToken ct)
    {
        var body = BinaryData.FromObjectAsJson(new Dictionary<string, string>
        {
            ["input_file_id"] = inputFileId,
            ["endpoint"] = "/v1/chat/completions",
            ["completion_window"] = completionWindow,
        });
        var options = new RequestOptions { CancellationToken = ct, ErrorOptions = ClientErrorBehaviors.NoThrow };
        var response = await provider.SendAsync(async () =>
        {
            var operation = await _batches.CreateBatchAsync(BinaryContent.Create(body), waitUntilCompleted: false, options).ConfigureAwait(false);
            return operation.GetRawResponse();
        }, ct).ConfigureAwait(false);
        // The id is read from the response body ourselves: it is what gets persisted, so it must be exactly the server's.
        return Id(response, "created batch");
    }

    public async Task<BatchStatus> GetAsync(string batchId, CancellationToken ct)
    {
        var options = new RequestOptions { CancellationToken = ct, ErrorOptions = ClientErrorBehaviors.NoThrow };
        var response = await provider.SendAsync(() => _batches.GetBatchAsync(batchId, options), ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(response.Content);
            var root = doc.RootElement;
            return new BatchStatus(
                Text(root, "status") ?? throw new FormatException("no 'status'"),
                Text(root, "output_file_id"),
                Text(root, "error_file_id"),
                root.TryGetProperty("errors", out var errors) && errors.ValueKind != JsonValueKind.Null ? errors.GetRawText() : null);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new ChatTransportException($"{provider.Identity}: batch {batchId}: unreadable status ({ex.Message})", response.Status, retryable: true);
        }
    }

    public async Task<BinaryData> DownloadAsync(string fileId, CancellationToken ct)
    {
        BinaryData? data = null;
        await provider.SendAsync(async () =>
        {
            var result = await _files.DownloadFileAsync(fileId, ct).ConfigureAwait(false);
            data = result.Value;
            return (ClientResult)result;
        }, ct).ConfigureAwait(false);
        return data!;
    }

    private string Id(PipelineResponse response, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(response.Content);
            return Text(doc.RootElement, "id") ?? throw new FormatException("no 'id'");
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new ChatTransportException($"{provider.Identity}: the {what} has no readable id ({ex.Message})", response.Status, retryable: false);
        }
    }

    private static string? Text(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
