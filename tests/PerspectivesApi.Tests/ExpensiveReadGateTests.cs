using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PerspectivesApi.Http;

namespace PerspectivesApi.Tests;

/// <summary>One expensive read at a time, and one more waiting, so that the tests can hold the turn themselves.</summary>
public sealed class ArchiveWithOneExpensiveRead : ArchiveApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ExpensiveReads:AtOnce", "1");
        builder.UseSetting("ExpensiveReads:Queued", "1");
    }
}

/// <summary>Searches, facets and counts take turns (ExpensiveReadGate): while every turn is taken they wait, in a bounded
/// queue, and past it they are told to retry; cheap reads and answers the response cache holds never wait.</summary>
public sealed class ExpensiveReadGateTests(ArchiveWithOneExpensiveRead app) : IClassFixture<ArchiveWithOneExpensiveRead>
{
    [Fact]
    public async Task Expensive_reads_wait_for_a_turn_and_past_the_queue_are_a_503_to_retry()
    {
        var client = app.CreateClient();
        const string cachedSearch = "/v1/articles?q=Kiriyenko&limit=2";
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(cachedSearch)).StatusCode);

        var gate = app.Services.GetRequiredService<ExpensiveReadGate>();
        var held = await gate.WaitAsync(CancellationToken.None);
        Assert.True(held.IsAcquired);
        try
        {
            // The one place in the queue: this search waits for the turn the test holds.
            var waiting = client.GetAsync("/v1/articles?q=Shusha&limit=2");
            for (var i = 0; i < 200 && gate.Waiting == 0; i++) await Task.Delay(25);
            Assert.Equal(1, gate.Waiting);
            Assert.False(waiting.IsCompleted);

            // Past the queue: a facet, a count and a search are each told to retry, as problems.
            foreach (var url in new[] { "/v1/stances?facet=position&limit=1", "/v1/articles?count=true&limit=1", "/v1/search?q=Aliyev" })
            {
                using var refused = await client.GetAsync(url);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
                Assert.Contains(Problems.UnavailableType, await refused.Content.ReadAsStringAsync());
            }

            // Cheap reads, and an expensive answer the response cache holds, do not wait.
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/articles?limit=2")).StatusCode);
            using var cached = await client.GetAsync(cachedSearch);
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
            Assert.NotNull(cached.Headers.Age);
            Assert.False(waiting.IsCompleted);

            held.Dispose();
            using var answered = await waiting;
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }
        finally
        {
            held.Dispose();
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/search?q=Aliyev")).StatusCode);
    }
}
