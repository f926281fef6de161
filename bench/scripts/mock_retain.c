/*
 * mock_retain.c - librdkafka's in-memory mock cluster (1 broker) whose
 * pre-created topics keep up to RETAIN bytes per partition.
 *
 * Why: the stock mock cluster keeps only the newest 5 MB (and 100,000
 * message sets) of each partition, so a "consume N records from the
 * beginning" workload cannot be measured against it: it serves the last
 * 5 MB and stops. This program raises that limit on the topics it creates,
 * so that bench/compare.sh can measure the consume workloads against an
 * in-memory reference. Everything else (request handling, memory layout,
 * one mock thread) is librdkafka's own mock, unchanged.
 *
 * It reaches into librdkafka's private mock structures (rdkafka_mock_int.h),
 * so it builds only against the librdkafka 2.0.2 source tree it came from,
 * linked statically. It is an optional benchmark aid, never part of the
 * Gregor build:
 *
 *   SRC=<librdkafka-2.0.2 source dir, built>
 *   cc -O2 -Wall -o mock_retain mock_retain.c -I$SRC/src \
 *      $SRC/src/librdkafka.a -llz4 -lzstd -lsasl2 -lssl -lcrypto -lz \
 *      -lm -ldl -lpthread -lrt
 *
 * Usage: mock_retain [-b 1] [-p PARTS] [-t TOPIC]... [-T TOPIC]...
 *                    [-R RETAIN_BYTES]
 *   -t creates a topic with the stock retention (5 MB per partition), -T one
 *   that keeps RETAIN_BYTES per partition (default 8 GiB). Memory use grows
 *   with what is retained, so raise it only on topics that are read back.
 *   Same output as the suite's mock_broker: prints "BOOTSTRAP=host:port",
 *   then runs until SIGINT/SIGTERM.
 */
/* librdkafka's private headers need _GNU_SOURCE before any system header. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rdkafka_int.h"
#include "rdkafka_mock.h"
#include "rdkafka_mock_int.h"

static volatile sig_atomic_t run = 1;

static void stop(int sig) {
  (void)sig;
  run = 0;
}

/* Raises the retention of every partition of TOPIC. Called before the
 * bootstrap address is printed, so no client can be talking to the mock
 * thread yet; the limits are plain fields read on each append. */
static int raise_retention(rd_kafka_mock_cluster_t* mcluster, const char* topic,
                           size_t retain_bytes) {
  rd_kafka_mock_topic_t* mtopic;
  int i;

  mtx_lock(&mcluster->lock);
  mtopic = rd_kafka_mock_topic_find(mcluster, topic);
  if (mtopic) {
    for (i = 0; i < mtopic->partition_cnt; i++) {
      mtopic->partitions[i].max_size = retain_bytes;
      mtopic->partitions[i].max_cnt = (size_t)-1;
    }
  }
  mtx_unlock(&mcluster->lock);
  return mtopic ? 0 : -1;
}

int main(int argc, char** argv) {
  const char* topics[64];
  int retained[64];
  int topic_cnt = 0, parts = 1, opt, i;
  size_t retain_bytes = (size_t)8 << 30;
  char errstr[512];
  rd_kafka_conf_t* conf;
  rd_kafka_t* rk;
  rd_kafka_mock_cluster_t* mcluster;

  while ((opt = getopt(argc, argv, "t:T:p:R:b:")) != -1) {
    switch (opt) {
      case 't':
      case 'T':
        if (topic_cnt < 64) {
          retained[topic_cnt] = opt == 'T';
          topics[topic_cnt++] = optarg;
        }
        break;
      case 'p':
        parts = atoi(optarg);
        break;
      case 'R':
        retain_bytes = strtoull(optarg, NULL, 10);
        break;
      case 'b':
        if (atoi(optarg) != 1) {
          fprintf(stderr, "only -b 1 is supported\n");
          return 1;
        }
        break;
      default:
        fprintf(stderr,
                "Usage: %s [-b 1] [-p parts] [-t topic]... "
                "[-T retained_topic]... [-R retain_bytes]\n",
                argv[0]);
        return 1;
    }
  }
  if (parts < 1 || retain_bytes == 0) {
    fprintf(stderr, "invalid -p/-R\n");
    return 1;
  }

  conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "conf: %s\n", errstr);
    return 1;
  }
  rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", errstr);
    return 1;
  }
  mcluster = rd_kafka_mock_cluster_new(rk, 1);
  if (!mcluster) {
    fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
    rd_kafka_destroy(rk);
    return 1;
  }
  for (i = 0; i < topic_cnt; i++) {
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mcluster, topics[i], parts, 1);
    if (!err && retained[i] && raise_retention(mcluster, topics[i], retain_bytes))
      err = RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
    if (err) {
      fprintf(stderr, "topic %s: %s\n", topics[i], rd_kafka_err2str(err));
      rd_kafka_mock_cluster_destroy(mcluster);
      rd_kafka_destroy(rk);
      return 1;
    }
  }

  printf("BOOTSTRAP=%s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
  fflush(stdout);

  signal(SIGINT, stop);
  signal(SIGTERM, stop);
  while (run) usleep(200 * 1000);

  rd_kafka_mock_cluster_destroy(mcluster);
  rd_kafka_destroy(rk);
  return 0;
}
