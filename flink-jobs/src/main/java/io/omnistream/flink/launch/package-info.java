/** Launch plumbing shared by the Flink jobs: Flink settings from a job's config and the jobs' command line. */
package io.omnistream.flink.launch;
