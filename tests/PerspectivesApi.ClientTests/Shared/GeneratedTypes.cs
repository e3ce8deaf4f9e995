using System.Reflection;
using System.Runtime.Serialization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PerspectivesApi.Tests;

namespace PerspectivesApi.ClientTests;

/// <summary>What a generator made of the contract, read from the compiled client by reflection: the shapes
/// that compile but leave a developer without a typed, named member (an empty class holding only
/// <c>AdditionalProperties</c> where an outlet should be, <c>Format4</c> beside <c>Format9</c>, a
/// <c>position</c> filter that takes an enum while the stance's position is a string).</summary>
public static partial class GeneratedTypes
{
    private static readonly string[] BagNames = ["AdditionalProperties", "AdditionalData"];

    public static IReadOnlyList<Type> In(Assembly assembly, string @namespace) =>
        assembly.GetTypes().Where(t => t.Namespace is { } ns && (ns == @namespace || ns.StartsWith(@namespace + "."))).ToList();

    /// <summary>Members typed as a class that holds nothing but a bag of untyped members. A member the
    /// contract declares as a map (an object of <c>additionalProperties</c> alone, like <c>facets</c>) is
    /// left out: a generator without a typed dictionary (Kiota) can do nothing else with it.</summary>
    public static List<string> MembersTypedAsEmptyBags(IReadOnlyList<Type> types)
    {
        var bags = types.Where(IsEmptyBag).ToHashSet();
        var maps = ContractMaps();
        var found = new List<string>();
        foreach (var type in types.Where(t => t.IsClass && !bags.Contains(t)))
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
                if (bags.Contains(Element(property.PropertyType)) && !maps.Contains(type.Name + "." + property.Name))
                    found.Add($"{type.Name}.{property.Name}: {Element(property.PropertyType).Name}");
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => !m.IsSpecialName))
            foreach (var parameter in method.GetParameters())
                if (bags.Contains(Element(parameter.ParameterType)))
                    found.Add($"{type.Name}.{method.Name}({parameter.Name}): {Element(parameter.ParameterType).Name}");
        }
        return found.Distinct().Order().ToList();
    }

    /// <summary>Enums named by their position among look-alikes rather than by what they are
    /// (<c>Anonymous12</c>, <c>Format4</c>, <c>Sort7</c>): a name that changes when an operation is added.</summary>
    public static List<string> PositionalEnumNames(IReadOnlyList<Type> types) =>
        types.Where(t => t.IsEnum && PositionalName().IsMatch(t.Name)).Select(t => $"{t.Name} ({string.Join("|", Values(t))})").Order().ToList();

    /// <summary>One enum generated several times, once per operation that uses it (Kiota's
    /// <c>GetPositionQueryParameterType</c> in four namespaces): the contract repeats it inline instead of
    /// naming it once in <c>components/schemas</c>.</summary>
    public static List<string> EnumsGeneratedMoreThanOnce(IReadOnlyList<Type> types) =>
        types.Where(t => t.IsEnum)
            .GroupBy(t => TrailingDigits().Replace(t.Name, "") + ": " + string.Join("|", Values(t)))
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} ×{g.Count()} (in {string.Join(", ", g.Select(t => t.Namespace!.Split(".Generated")[^1].TrimStart('.')).Order())})")
            .Order().ToList();

    /// <summary>Where a list operation filters on an enum and its items have a field of the same name, the
    /// field must be that same enum: what a client reads from one stance (its <c>position</c>) is what it
    /// sends to ask for more like it. Also for writes: the body a client sends (<c>OutletDocument.Kind</c>)
    /// and the resource it gets back (<c>Outlet.Kind</c>).</summary>
    public static List<string> EnumsTypedDifferentlyInRequestsAndResponses(IReadOnlyList<Type> types)
    {
        var found = new List<string>();
        foreach (var type in types.Where(t => t.IsClass))
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(m => m.Name.EndsWith("Async")))
        {
            var returned = Result(method.ReturnType);
            if (returned is null) continue;
            var item = returned.GetProperty("Items") is { } items ? Element(items.PropertyType) : returned;
            foreach (var (name, sent) in RequestMembers(method))
            {
                var field = item.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                if (field is null) continue;
                var read = Element(field.PropertyType);
                if (!sent.IsEnum && !read.IsEnum) continue;
                if (read != sent && (read.IsEnum || read == typeof(string)) && (sent.IsEnum || sent == typeof(string)))
                    found.Add($"{type.Name}.{method.Name}: sends {name} as {sent.Name}, reads {item.Name}.{field.Name} as {read.Name}");
            }
        }
        return found.Distinct().Order().ToList();
    }

    /// <summary>What a method lets a client send, by name: its parameters (NSwag), the properties of its
    /// query-parameter class (Kiota's <c>Action&lt;RequestConfiguration&lt;…QueryParameters&gt;&gt;</c>), and
    /// the properties of its body.</summary>
    private static IEnumerable<(string Name, Type Type)> RequestMembers(MethodInfo method)
    {
        foreach (var parameter in method.GetParameters())
        {
            var type = parameter.ParameterType;
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Action<>) && type.GetGenericArguments()[0] is { IsGenericType: true } configuration)
            {
                foreach (var property in configuration.GetGenericArguments()[0].GetProperties())
                    yield return (property.Name, Element(property.PropertyType));
            }
            else if (parameter.Name == "body")
            {
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                    yield return (property.Name, Element(property.PropertyType));
            }
            else if (type != typeof(CancellationToken))
            {
                yield return (parameter.Name!, Element(type));
            }
        }
    }

    /// <summary>The model a method returns, through <c>Task&lt;&gt;</c> and a response wrapper
    /// (NSwag's <c>SwaggerResponse&lt;T&gt;</c>).</summary>
    private static Type? Result(Type type)
    {
        while (type.IsGenericType && type.GetGenericArguments().Length == 1 && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.Name.StartsWith("SwaggerResponse")))
            type = type.GetGenericArguments()[0];
        return type.IsClass && type != typeof(string) && !type.Name.StartsWith("Task") && !type.Name.StartsWith("SwaggerResponse") && type.Namespace?.StartsWith("PerspectivesApi") == true ? type : null;
    }

    /// <summary>A member's type through <c>Nullable&lt;&gt;</c>, arrays and collections.</summary>
    private static Type Element(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return Element(underlying);
        if (type.IsArray) return Element(type.GetElementType()!);
        if (type.IsGenericType && type != typeof(string) && type.GetGenericArguments().Length == 1 && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
            return Element(type.GetGenericArguments()[0]);
        return type;
    }

    private static bool IsEmptyBag(Type type)
    {
        if (!type.IsClass || typeof(Exception).IsAssignableFrom(type)) return false;
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.Name != "BackingStore").ToList();
        return properties.Count > 0 && properties.All(p => BagNames.Contains(p.Name));
    }

    private static IEnumerable<string> Values(Type @enum) =>
        @enum.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name);

    /// <summary>"Schema.Property" (as generators name them, PascalCase) for every property the contract
    /// declares as a map: an object with <c>additionalProperties</c> and no properties of its own.</summary>
    private static HashSet<string> ContractMaps()
    {
        var contract = JsonNode.Parse(File.ReadAllText(Path.Combine(ContractTests.RepositoryRoot(), "openapi", "v1.json")))!;
        var maps = new HashSet<string>();
        foreach (var (schema, definition) in contract["components"]!["schemas"]!.AsObject())
        foreach (var (property, declared) in definition!["properties"]?.AsObject() ?? [])
            if (declared is JsonObject { } map && map["additionalProperties"] is JsonObject && map["properties"] is null)
                maps.Add(schema + "." + char.ToUpperInvariant(property[0]) + property[1..]);
        return maps;
    }

    [GeneratedRegex(@"^Anonymous\d*$|\d+$")]
    private static partial Regex PositionalName();

    [GeneratedRegex(@"\d+$")]
    private static partial Regex TrailingDigits();
}
