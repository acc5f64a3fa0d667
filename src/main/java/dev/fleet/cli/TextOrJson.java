package dev.fleet.cli;

/** What {@code --output} asks of the commands that print words or JSON ({@code plan}, {@code history}, {@code status}). */
enum TextOrJson {
    TEXT,
    JSON
}
