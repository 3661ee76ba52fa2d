package io.livecloud.server.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Columns padded to their widest cell; with no header, a two-column "name  value" listing. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean header;

    Table(String... header) {
        this.header = header.length > 0;
        if (this.header) {
            rows.add(header);
        }
    }

    void row(String... cells) {
        rows.add(cells);
    }

    void print(PrintStream out) {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                sb.append(r[i]);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.println(sb);
        }
        if (header && rows.size() == 1) {
            out.println("(none)");
        }
    }
}
