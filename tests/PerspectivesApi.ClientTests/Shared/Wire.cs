using System.Reflection;
using System.Runtime.Serialization;

namespace PerspectivesApi.ClientTests;

public static class Wire
{
    /// <summary>A value as it travels on the wire: an enum member's JSON name (<c>[EnumMember]</c>), or the
    /// string itself. Lets one assertion hold whether the contract types a field as an enum or a string.</summary>
    public static string? Name(object? value) => value switch
    {
        null => null,
        Enum member => member.GetType().GetField(member.ToString())?.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? member.ToString(),
        _ => value.ToString(),
    };

    /// <summary>The text between code points <paramref name="start"/> and <paramref name="end"/>: quote
    /// offsets count Unicode code points, as Python's <c>body[start:end]</c> does.</summary>
    public static string CodePoints(string text, long start, long end) =>
        string.Concat(text.EnumerateRunes().Skip((int)start).Take((int)(end - start)).Select(r => r.ToString()));
}
