/** The commands, the load driver and the output formats of the CLI. Not API. */
package dev.spillway.cli.internal;
