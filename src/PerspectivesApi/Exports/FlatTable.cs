using System.Collections;
using System.ComponentModel;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;

namespace PerspectivesApi.Exports;

/// <summary>A date at a precision (a publication date, the time a position was held): its rows also say the
/// first and last day of the period it stands for.</summary>
public interface IDatedPeriod
{
    string Date { get; }
    string Precision { get; }
}

/// <summary>A list item type as one flat row, which is what CSV, NDJSON and Parquet exports of a collection
/// write. The columns come from the type, so every collection is flattened by the same rules:
/// <list type="bullet">
/// <item>a column is the JSON path of a value in snake_case, joined with "_": <c>outlet.id</c> is <c>outlet_id</c>,
/// <c>article.published.date</c> is <c>article_published_date</c>, <c>heldAt.precision</c> is <c>held_at_precision</c>;</item>
/// <item>a reference that is null (an unknown outlet) still has its columns, null;</item>
/// <item>a date at a precision gains <c>…_first_day</c> and <c>…_last_day</c>, the day range it stands for;</item>
/// <item>a list of objects (an article's credits) becomes one list column per value: <c>credits_author_id</c>,
/// <c>credits_author_name</c>, <c>credits_author_kind</c>, <c>credits_role</c>, in credit order.</item>
/// </list></summary>
public static class FlatTable<T>
{
    private sealed record Leaf(TableColumn Column, Func<object, object?> Read);

    // Before the columns, which it helps to read.
    private static readonly NullabilityInfoContext Nullability = new();

    private static readonly Leaf[] Leaves = LeavesOf(typeof(T), "", null, o => o, nullable: false).ToArray();

    public static readonly IReadOnlyList<TableColumn> Columns = Leaves.Select(l => l.Column).ToList();

    public static object?[] Row(T item)
    {
        var row = new object?[Leaves.Length];
        for (var i = 0; i < row.Length; i++) row[i] = Leaves[i].Read(item!);
        return row;
    }

    private static IEnumerable<Leaf> LeavesOf(Type type, string prefix, string? context, Func<object, object?> read, bool nullable)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            var name = prefix + SnakeCase(property.Name);
            var get = Getter(property);
            Func<object, object?> value = o => read(o) is { } parent ? get(parent) : null;
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var isNullable = nullable || Nullable.GetUnderlyingType(property.PropertyType) is not null
                || (!property.PropertyType.IsValueType && Nullability.Create(property).ReadState != NullabilityState.NotNull);
            var description = Describe(context, property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? property.Name);

            if (ScalarType(propertyType) is { } scalar)
            {
                yield return new Leaf(new TableColumn(name, scalar, isNullable, description), Scalar(value, propertyType));
            }
            else if (propertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                var element = propertyType.GetInterfaces().Append(propertyType)
                    .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)).GetGenericArguments()[0];
                foreach (var leaf in LeavesOf(element, name + "_", description, o => o, nullable: false))
                {
                    var item = leaf.Read;
                    yield return new Leaf(
                        new TableColumn(leaf.Column.Name, ColumnType.TextList, false, leaf.Column.Description + " One value per item, in order."),
                        o => value(o) is IEnumerable list ? list.Cast<object>().Select(e => CsvTableWriter.Format(item(e)) ?? "").ToList() : Array.Empty<string>());
                }
            }
            else
            {
                foreach (var leaf in LeavesOf(propertyType, name + "_", description, value, isNullable))
                {
                    yield return leaf;
                    if (typeof(IDatedPeriod).IsAssignableFrom(propertyType) && leaf.Column.Name == name + "_precision")
                    {
                        yield return new Leaf(new TableColumn(name + "_first_day", ColumnType.Date, isNullable,
                                Describe(description, "The first day of the period the date stands for (2025-07 → 2025-07-01).")),
                            o => value(o) is IDatedPeriod d ? Period.Of(d.Date, d.Precision)?.First : null);
                        yield return new Leaf(new TableColumn(name + "_last_day", ColumnType.Date, isNullable,
                                Describe(description, "The last day of the period the date stands for (2025-07 → 2025-07-31).")),
                            o => value(o) is IDatedPeriod d ? Period.Of(d.Date, d.Precision)?.Last : null);
                    }
                }
            }
        }
    }

    private static ColumnType? ScalarType(Type type) =>
        type == typeof(string) ? ColumnType.Text
        : type == typeof(long) || type == typeof(int) ? ColumnType.Integer
        : type == typeof(double) ? ColumnType.Real
        : type == typeof(bool) ? ColumnType.Boolean
        : type == typeof(DateOnly) ? ColumnType.Date
        : null;

    /// <summary>The value as the writers take it: every whole number a long.</summary>
    private static Func<object, object?> Scalar(Func<object, object?> value, Type type) =>
        type == typeof(int) ? o => value(o) is int number ? (long)number : null : value;

    private static string Describe(string? context, string description) =>
        context is null ? description : $"{description.TrimEnd('.')} — of: {context}";

    /// <summary>A compiled property read: a million rows of thirty columns are read by reflection otherwise.</summary>
    private static Func<object, object?> Getter(PropertyInfo property)
    {
        var instance = Expression.Parameter(typeof(object));
        var read = Expression.Property(Expression.Convert(instance, property.DeclaringType!), property);
        return Expression.Lambda<Func<object, object?>>(Expression.Convert(read, typeof(object)), instance).Compile();
    }

    public static string SnakeCase(string name)
    {
        var result = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) result.Append('_');
            result.Append(char.ToLowerInvariant(name[i]));
        }
        return result.ToString();
    }
}
