using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Star1.Llm.Testing;

/// <summary>
/// An OpenAI-compatible server on 127.0.0.1 (Kestrel, a random port) for tests and the benchmark:
/// /v1/chat/completions (answers, reasoning inline or in reasoning_content, and scripted failures),
/// /v1/files (upload, content) and /v1/batches (create, retrieve; batches run through the same chat script).
/// It counts what it received per kind, the chat requests in flight at most, and when each chat arrived.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    public const string Rejected = "rejected", Chat = "chat", Upload = "files.upload", Download = "files.content", CreateBatch = "batches.create", GetBatch = "batches.get";

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentDictionary<string, int> _seen = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new();
    private readonly ConcurrentDictionary<string, FakeBatch> _batches = new();
    private readonly ConcurrentQueue<(DateTime At, JsonElement Body)> _chats = new();
    private int _inFlight, _maxInFlight, _ids, _disposed;

    private FakeOpenAiServer(WebApplication app) => _app = app;

    /// <summary>Starts a server. With <paramref name="requiredKey"/>, a request carrying another key gets a 401 whose body echoes that key (as OpenAI's does, partly).</summary>
    public static async Task<FakeOpenAiServer> StartAsync(string? requiredKey = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAiServer(app) { RequiredKey = requiredKey };
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>http://127.0.0.1:port/v1</summary>
    public string BaseUrl { get; private set; } = "";
    public string? RequiredKey { get; init; }

    /// <summary>How long each chat takes before answering.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>What to do with each chat request (also inside batches); null = <see cref="FakeReply.Echo"/>.</summary>
    public Func<FakeChat, FakeReply>? Script { get; set; }

    /// <summary>While true, batches stay "in_progress"; once false, the next poll completes them.</summary>
    public bool HoldBatches { get; set; }

    public int Count(string kind) => _counts.GetValueOrDefault(kind);
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);
    public IReadOnlyList<DateTime> ChatArrivals => _chats.Select(c => c.At).ToList();
    public IReadOnlyList<JsonElement> ChatBodies => _chats.Select(c => c.Body).ToList();

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        var method = ctx.Request.Method;
        if (RequiredKey is not null && ctx.Request.Headers.Authorization.ToString() != "Bearer " + RequiredKey)
        {
            Bump(Rejected);
            var given = ctx.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
            await Error(ctx, 401, $"Incorrect API key provided: {given}. You can find your API key at https://example.invalid.").ConfigureAwait(false);
            return;
        }
        if (method == "POST" && path == "/v1/chat/completions") await ChatAsync(ctx).ConfigureAwait(false);
        else if (method == "POST" && path == "/v1/files") await UploadAsync(ctx).ConfigureAwait(false);
        else if (method == "GET" && path.StartsWith("/v1/files/", StringComparison.Ordinal) && path.EndsWith("/content", StringComparison.Ordinal)) await DownloadAsync(ctx, path["/v1/files/".Length..^"/content".Length]).ConfigureAwait(false);
        else if (method == "POST" && path == "/v1/batches") await CreateBatchAsync(ctx).ConfigureAwait(false);
        else if (method == "GET" && path.StartsWith("/v1/batches/", StringComparison.Ordinal)) await GetBatchAsync(ctx, path["/v1/batches/".Length..]).ConfigureAwait(false);
        else await Error(ctx, 404, $"no route {method} {path}").ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ chat

    private async Task ChatAsync(HttpContext ctx)
    {
        Bump(Chat);
        int now = Interlocked.Increment(ref _inFlight);
        for (int max = _maxInFlight; now > max && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max; max = _maxInFlight) { }
        try
        {
            using var body = await JsonDocument.ParseAsync(ctx.Request.Body).ConfigureAwait(false);
            var root = body.RootElement.Clone();
            _chats.Enqueue((DateTime.UtcNow, root));
            var reply = Decide(root);
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _stopping.Token);
            try
            {
                if (Latency > TimeSpan.Zero) await Task.Delay(Latency, abort.Token).ConfigureAwait(false);
                if (reply is FakeReply.Hang) await Task.Delay(Timeout.Infinite, abort.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { return; }
            switch (reply)
            {
                case FakeReply.Answer a:
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.WriteAsync(Completion(root, a)).ConfigureAwait(false);
                    break;
                case FakeReply.Status s:
                    if (s.RetryAfter is not null) ctx.Response.Headers.RetryAfter = s.RetryAfter;
                    await Error(ctx, s.Code, s.Message).ConfigureAwait(false);
                    break;
                default:
                    ctx.Response.ContentType = "application/json";
                    await ctx.Response.WriteAsync("{\"id\": \"chatcmpl-1\", \"choices\": [ {\"mess").ConfigureAwait(false);
                    break;
            }
        }
        finally { Interlocked.Decrement(ref _inFlight); }
    }

    private FakeReply Decide(JsonElement body)
    {
        var text = body.GetRawText();
        int seen = _seen.AddOrUpdate(text, 0, (_, n) => n + 1);
        var messages = body.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!)).ToList();
        var chat = new FakeChat(body.GetProperty("model").GetString()!, messages, body, seen);
        return (Script ?? FakeReply.Echo)(chat);
    }

    private string Completion(JsonElement request, FakeReply.Answer a)
    {
        var message = new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = a.Content };
        if (a.ReasoningContent is not null) message["reasoning_content"] = a.ReasoningContent;
        return JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = "chatcmpl-" + Interlocked.Increment(ref _ids),
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = request.GetProperty("model").GetString(),
            ["choices"] = new[] { new Dictionary<string, object?> { ["index"] = 0, ["message"] = message, ["finish_reason"] = a.FinishReason } },
            ["usage"] = new Dictionary<string, int> { ["prompt_tokens"] = a.PromptTokens, ["completion_tokens"] = a.CompletionTokens, ["total_tokens"] = a.PromptTokens + a.CompletionTokens },
        });
    }

    // ------------------------------------------------------------------ files

    private async Task UploadAsync(HttpContext ctx)
    {
        Bump(Upload);
        var form = await ctx.Request.ReadFormAsync().ConfigureAwait(false);
        var file = form.Files["file"];
        if (file is null || form["purpose"] != "batch") { await Error(ctx, 400, "expected a 'file' and purpose 'batch'").ConfigureAwait(false); return; }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer).ConfigureAwait(false);
        var id = "file-" + Interlocked.Increment(ref _ids);
        _files[id] = buffer.ToArray();
        await Json(ctx, FileObject(id, file.FileName, buffer.Length)).ConfigureAwait(false);
    }

    private static Dictionary<string, object?> FileObject(string id, string name, long bytes) => new()
    {
        ["id"] = id, ["object"] = "file", ["bytes"] = bytes, ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["filename"] = name, ["purpose"] = "batch", ["status"] = "processed",
    };

    private async Task DownloadAsync(HttpContext ctx, string id)
    {
        Bump(Download);
        if (!_files.TryGetValue(id, out var bytes)) { await Error(ctx, 404, $"no file {id}").ConfigureAwait(false); return; }
        ctx.Response.ContentType = "application/octet-stream";
        await ctx.Response.Body.WriteAsync(bytes).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ batches

    private sealed class FakeBatch(string id, string inputFileId, string window)
    {
        public string Id { get; } = id;
        public string InputFileId { get; } = inputFileId;
        public string Window { get; } = window;
        public string Status { get; set; } = "validating";
        public string? OutputFileId { get; set; }
        public string? ErrorFileId { get; set; }
        public int Total { get; set; }
    }

    private async Task CreateBatchAsync(HttpContext ctx)
    {
        Bump(CreateBatch);
        using var body = await JsonDocument.ParseAsync(ctx.Request.Body).ConfigureAwait(false);
        var input = body.RootElement.GetProperty("input_file_id").GetString()!;
        if (!_files.ContainsKey(input) || body.RootElement.GetProperty("endpoint").GetString() != "/v1/chat/completions")
        {
            await Error(ctx, 400, "unknown input file or endpoint").ConfigureAwait(false);
            return;
        }
        var batch = new FakeBatch("batch_" + Interlocked.Increment(ref _ids), input, body.RootElement.GetProperty("completion_window").GetString()!);
        _batches[batch.Id] = batch;
        await Json(ctx, BatchObject(batch)).ConfigureAwait(false);
    }

    private async Task GetBatchAsync(HttpContext ctx, string id)
    {
        Bump(GetBatch);
        if (!_batches.TryGetValue(id, out var batch)) { await Error(ctx, 404, $"no batch {id}").ConfigureAwait(false); return; }
        lock (batch)
        {
            if (batch.Status is "validating" or "in_progress")
            {
                if (HoldBatches) batch.Status = "in_progress";
                else Run(batch);
            }
        }
        await Json(ctx, BatchObject(batch)).ConfigureAwait(false);
    }

    /// <summary>Answers every line through the chat script; 200s go to the output file, the rest to the error file.</summary>
    private void Run(FakeBatch batch)
    {
        var output = new StringBuilder();
        var errors = new StringBuilder();
        int total = 0;
        foreach (var line in Encoding.UTF8.GetString(_files[batch.InputFileId]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            total++;
            using var doc = JsonDocument.Parse(line);
            var customId = doc.RootElement.GetProperty("custom_id").GetString();
            var request = doc.RootElement.GetProperty("body").Clone();
            var reply = Decide(request);
            if (reply is FakeReply.Answer a)
                output.Append("{\"id\":\"req_").Append(total).Append("\",\"custom_id\":\"").Append(customId)
                      .Append("\",\"response\":{\"status_code\":200,\"request_id\":\"r\",\"body\":").Append(Completion(request, a)).Append("},\"error\":null}\n");
            else
            {
                int code = reply is FakeReply.Status s ? s.Code : 500;
                errors.Append("{\"id\":\"req_").Append(total).Append("\",\"custom_id\":\"").Append(customId)
                      .Append("\",\"response\":{\"status_code\":").Append(code).Append(",\"body\":{\"error\":{\"message\":\"scripted failure\"}}},\"error\":null}\n");
            }
        }
        batch.Total = total;
        if (output.Length > 0) { batch.OutputFileId = "file-" + Interlocked.Increment(ref _ids); _files[batch.OutputFileId] = Encoding.UTF8.GetBytes(output.ToString()); }
        if (errors.Length > 0) { batch.ErrorFileId = "file-" + Interlocked.Increment(ref _ids); _files[batch.ErrorFileId] = Encoding.UTF8.GetBytes(errors.ToString()); }
        batch.Status = "completed";
    }

    private static Dictionary<string, object?> BatchObject(FakeBatch b) => new()
    {
        ["id"] = b.Id, ["object"] = "batch", ["endpoint"] = "/v1/chat/completions", ["errors"] = null,
        ["input_file_id"] = b.InputFileId, ["completion_window"] = b.Window, ["status"] = b.Status,
        ["output_file_id"] = b.OutputFileId, ["error_file_id"] = b.ErrorFileId,
        ["created_at"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["request_counts"] = new Dictionary<string, int> { ["total"] = b.Total, ["completed"] = b.Total, ["failed"] = 0 },
    };

    // ------------------------------------------------------------------ helpers

    private void Bump(string kind) => _counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    private static Task Json(HttpContext ctx, object value)
    {
        ctx.Response.ContentType = "application/json";
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(value));
    }

    private static Task Error(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        return Json(ctx, new Dictionary<string, object> { ["error"] = new Dictionary<string, string?> { ["message"] = message, ["type"] = "fake_error", ["code"] = null } });
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
