namespace Star1.Pipeline.Tests.Support;

/// <summary>
/// A test against a real nginx: skipped, saying why, where nginx is missing, unless STAR1_REQUIRE_NGINX=1
/// (then it runs and fails, so CI cannot pass by skipping it).
/// </summary>
public sealed class NginxFactAttribute : FactAttribute
{
    public NginxFactAttribute()
    {
        if (NginxServer.Binary is null && !NginxServer.Required)
            Skip = $"nginx not found (/usr/sbin/nginx): the remote cache tests need it (apt-get install nginx-light; {NginxServer.RequireVariable}=1 makes this a failure)";
    }
}
