package io.livecloud.api;

import java.time.LocalDate;
import java.util.List;

/** The access log files of a domain, as DescribeLiveDomainLog lists them, with download links. */
public interface DomainLogs {

    /** One day's file. */
    record LogFile(String name, LocalDate day, long size, String link) {
    }

    /** The files of {@code domain} for the UTC days {@code from} to {@code to}, oldest first. */
    List<LogFile> files(String domain, LocalDate from, LocalDate to);
}
