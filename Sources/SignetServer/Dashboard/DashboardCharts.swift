import Foundation
import Mustache
import SignetService

/// The dashboard's pictures, as numbers an inline SVG template draws: no script, no image
/// files, no inline styles. Each picture has a text alternative (`<title>` and `aria-label`)
/// and a table of the same numbers.
enum DashboardCharts {
    /// Events per day over the last `days` days (UTC), oldest on the left.
    static func eventsPerDay(_ events: [TimelineEvent], days: Int = 30, now: Date) -> ColumnChart {
        let today = DashboardFormat.dayNumber(now)
        let first = today - Int64(days - 1)
        var counts = [Int](repeating: 0, count: days)
        for event in events {
            let day = DashboardFormat.dayNumber(event.time)
            if day >= first && day <= today { counts[Int(day - first)] += 1 }
        }
        let highest = max(1, counts.max() ?? 0)
        let slot = 20, plotHeight = 100, top = 16
        let columns = counts.enumerated().map { offset, count in
            let height = count == 0 ? 0 : max(2, count * plotHeight / highest)
            let day = DashboardFormat.day(DashboardFormat.date(ofDay: first + Int64(offset)))
            return Column(x: offset * slot + 3, y: top + plotHeight - height, width: slot - 6, height: height, count: count, day: day,
                          title: "\(day): \(count) \(count == 1 ? "event" : "events")")
        }
        let total = counts.reduce(0, +)
        let busiest = counts.enumerated().max { $0.element < $1.element }
        let summary = total == 0 ? "No events in the last \(days) days."
            : "\(total) \(total == 1 ? "event" : "events") in the last \(days) days; the busiest day, \(columns[busiest!.offset].day), had \(busiest!.element)."
        return ColumnChart(width: days * slot, height: top + plotHeight + 20, baseline: top + plotHeight, labelY: top + plotHeight + 15,
                           columns: columns, highest: highest, firstDay: columns.first?.day ?? "", lastDay: columns.last?.day ?? "",
                           lastDayX: days * slot, summary: summary)
    }

    /// Uses per party, most used first, at most `limit` parties.
    static func usesPerParty(_ uses: [(party: String, uses: Int)], limit: Int = 10) -> RowChart {
        let sorted = uses.filter { $0.uses > 0 }.sorted { $0.uses != $1.uses ? $0.uses > $1.uses : $0.party < $1.party }.prefix(limit)
        let highest = max(1, sorted.first?.uses ?? 0)
        let labelWidth = 200, plotWidth = 320, rowHeight = 28
        let rows = sorted.enumerated().map { offset, entry in
            let width = max(2, entry.uses * plotWidth / highest)
            let name = entry.party.count > 28 ? String(entry.party.prefix(27)) + "…" : entry.party
            return Row(y: offset * rowHeight, textY: offset * rowHeight + 18, label: name, x: labelWidth, width: width, valueX: labelWidth + width + 6,
                       uses: entry.uses, title: "\(entry.party): \(entry.uses) \(entry.uses == 1 ? "use" : "uses")")
        }
        let summary = rows.isEmpty ? "No party has used a grant of yours yet."
            : rows.map(\.title).joined(separator: "; ") + "."
        return RowChart(width: labelWidth + plotWidth + 60, height: max(rowHeight, rows.count * rowHeight), rows: rows,
                        barHeight: rowHeight - 8, summary: summary, hasRows: !rows.isEmpty)
    }
}

/// Vertical bars, one per day.
struct ColumnChart {
    let width: Int
    let height: Int
    /// The y of the axis line.
    let baseline: Int
    /// The y of the date labels.
    let labelY: Int
    let columns: [Column]
    let highest: Int
    let firstDay: String
    let lastDay: String
    let lastDayX: Int
    /// The picture in one sentence (its `aria-label`).
    let summary: String
}

/// One day's bar.
struct Column {
    let x: Int
    let y: Int
    let width: Int
    let height: Int
    let count: Int
    let day: String
    let title: String
}

/// Horizontal bars, one per party.
struct RowChart {
    let width: Int
    let height: Int
    let rows: [Row]
    let barHeight: Int
    let summary: String
    let hasRows: Bool
}

/// One party's bar.
struct Row {
    let y: Int
    let textY: Int
    let label: String
    let x: Int
    let width: Int
    let valueX: Int
    let uses: Int
    let title: String
}

extension Column: MustacheParent {
    /// The template's keys, looked up without reflection (pages list many of these).
    func child(named name: String) -> Any? {
        switch name {
        case "x": x
        case "y": y
        case "width": width
        case "height": height
        case "count": count
        case "day": day
        case "title": title
        default: nil
        }
    }
}

extension Row: MustacheParent {
    /// The template's keys, looked up without reflection (pages list many of these).
    func child(named name: String) -> Any? {
        switch name {
        case "y": y
        case "textY": textY
        case "label": label
        case "x": x
        case "width": width
        case "valueX": valueX
        case "uses": uses
        case "title": title
        default: nil
        }
    }
}
