// Stream values (types 15/19/21, and Redis 8.6/8.8's 26/27; spec §7.12), read
// as a small state machine: one listpack node, the metadata, one group header,
// one PEL entry, one consumer header, one consumer PEL id, one NACK-zone id or
// one IDMP record per committed step, so a stream with millions of entries or
// pending messages is never re-parsed from its start.
//
// v4 (26) adds, after the groups, the IDMP configuration, producers and
// counters; v5 (27) adds to each group, after its consumers, the NACK zone
// (the PEL entries XNACK released, in release order).
import type { Containers } from './blobValues';
import type { ValueParser } from './collectionValues';
import type {
  DecodedIdmpProducer, DecodedStreamConsumer, DecodedStreamGroup, DecodedStreamIdmp, DecodedValue, DecodedStreamEntry,
  StreamIdValue,
} from './decodedValue';
import { fail, type RdbReader } from './reader';
import { decodeStreamNode } from './streamListpack';

const enum S {
  NodeCount, Node, Meta, Group, GroupPel, ConsumerCount, Consumer, ConsumerPel, NackCount, Nack,
  IdmpHeader, Producer, IdmpEntry, IdmpCounters, Done,
}

/** The version of the stream layout each type byte uses. */
export type StreamLayoutVersion = 1 | 2 | 3 | 4 | 5;

// CONFIG_STREAM_IDMP_{MIN,MAX}_{DURATION,MAXSIZE}: what a loader accepts.
const IDMP_DURATION_MAX = 86400n;
const IDMP_MAXSIZE_MAX = 10000n;

const ZERO_ID: StreamIdValue = { ms: 0n, seq: 0n };
// What Redis takes as the first ID of a v1 stream with no live entry (streamGetEdgeID).
const MAX_ID: StreamIdValue = { ms: 2n ** 64n - 1n, seq: 2n ** 64n - 1n };

function rawId(raw: Buffer): StreamIdValue {
  return { ms: raw.readBigUInt64BE(0), seq: raw.readBigUInt64BE(8) };
}

function readId(r: RdbReader): StreamIdValue {
  const ms = r.lengthBig();
  return { ms, seq: r.lengthBig() };
}

export class StreamParser implements ValueParser {
  private state = S.NodeCount;
  private left = 0;
  private readonly entries: DecodedStreamEntry[] = [];
  private readonly groups: DecodedStreamGroup[] = [];
  private value: Extract<DecodedValue, { type: 'stream' }> | null = null;
  private groupsLeft = 0;
  private group: DecodedStreamGroup | null = null;
  /** The group's PEL by raw ID (latin1), with the consumer that owns each entry. */
  private groupPel = new Map<string, DecodedStreamConsumer | null>();
  private readonly groupNames = new Set<string>();
  private consumerNames = new Set<string>();
  private consumersLeft = 0;
  private consumer: DecodedStreamConsumer | null = null;
  private idmp: DecodedStreamIdmp | null = null;
  private producersLeft = 0;
  private producer: DecodedIdmpProducer | null = null;
  private readonly producerNames = new Set<string>();

  constructor(private readonly version: StreamLayoutVersion, private readonly c: Containers) {}

  step(r: RdbReader): DecodedValue | null {
    for (;;) {
      switch (this.state) {
        case S.NodeCount:
          this.left = r.count('stream listpack count');
          this.state = this.left > 0 ? S.Node : S.Meta;
          break;
        case S.Node:
          this.node(r);
          if (--this.left === 0) this.state = S.Meta;
          break;
        case S.Meta:
          this.meta(r);
          break;
        case S.Group:
          this.groupHeader(r);
          break;
        case S.GroupPel:
          this.groupPelEntry(r);
          break;
        case S.ConsumerCount:
          this.consumersLeft = r.count('stream consumer count');
          this.state = this.nextConsumerState();
          break;
        case S.Consumer:
          this.consumerHeader(r);
          break;
        case S.ConsumerPel:
          this.consumerPelEntry(r);
          break;
        case S.NackCount:
          this.left = r.count('stream NACK zone count');
          this.state = this.left > 0 ? S.Nack : this.nextGroupState();
          break;
        case S.Nack:
          this.nackEntry(r);
          break;
        case S.IdmpHeader:
          this.idmpHeader(r);
          break;
        case S.Producer:
          this.producerHeader(r);
          break;
        case S.IdmpEntry:
          this.idmpEntry(r);
          break;
        case S.IdmpCounters:
          this.idmp!.iidsAdded = r.lengthBig();
          this.idmp!.iidsDuplicates = r.lengthBig();
          this.state = S.Done;
          break;
        case S.Done:
          return this.value;
      }
      r.commitItem();
    }
  }

  private node(r: RdbReader): void {
    const key = r.blob();
    if (key.length !== 16) fail('Stream node key entry is not the size of a stream ID');
    const node = r.blob();
    // Both strings are complete here, so a failure below is corruption, never a retry.
    decodeStreamNode(rawId(key), this.c.lp.reset(node, 'Stream listpack'), this.entries);
  }

  private meta(r: RdbReader): void {
    const length = r.lengthBig();
    const lastId = readId(r);
    let firstId: StreamIdValue, maxDeletedId = ZERO_ID, entriesAdded = length;
    if (this.version >= 2) {
      firstId = readId(r);
      maxDeletedId = readId(r);
      entriesAdded = r.lengthBig();
    } else {
      firstId = this.entries.length > 0 ? this.entries[0].id : MAX_ID;
    }
    this.groupsLeft = r.count('stream group count');
    this.value = {
      type: 'stream', entries: this.entries, length, lastId, firstId, maxDeletedId, entriesAdded, groups: this.groups, idmp: null,
    };
    this.state = this.nextGroupState();
  }

  private nextGroupState(): S {
    if (this.groupsLeft === 0) return this.version >= 4 ? S.IdmpHeader : S.Done;
    this.groupsLeft--;
    return S.Group;
  }

  /** After a group's last consumer: its NACK zone (v5), then the next group. */
  private afterConsumers(): S {
    return this.version >= 5 ? S.NackCount : this.nextGroupState();
  }

  private groupHeader(r: RdbReader): void {
    const name = r.string();
    const lastId = readId(r);
    // v1 files carry no entries-read counter: -1 = unknown (Redis estimates one on load).
    const entriesRead = this.version >= 2 ? BigInt.asIntN(64, r.lengthBig()) : -1n;
    const pelSize = r.count('stream PEL size');
    if (this.groupNames.has(name)) fail(`Duplicated consumer group name ${name}`);
    this.groupNames.add(name);
    this.group = { name, lastId, entriesRead, pending: [], consumers: [], nacked: [] };
    this.groups.push(this.group);
    this.groupPel = new Map();
    this.consumerNames = new Set();
    this.left = pelSize;
    this.state = pelSize > 0 ? S.GroupPel : S.ConsumerCount;
  }

  private groupPelEntry(r: RdbReader): void {
    const raw = r.bytes(16);
    const deliveryTime = r.int64Big();
    const deliveryCount = r.lengthBig();
    const key = raw.toString('latin1');
    if (this.groupPel.has(key)) fail('Duplicated global PEL entry loading stream consumer group');
    this.groupPel.set(key, null);
    this.group!.pending.push({ id: rawId(raw), deliveryTime, deliveryCount });
    if (--this.left === 0) this.state = S.ConsumerCount;
  }

  private nextConsumerState(): S {
    if (this.consumersLeft === 0) return this.afterConsumers();
    this.consumersLeft--;
    return S.Consumer;
  }

  private consumerHeader(r: RdbReader): void {
    const name = r.string();
    const seenTime = r.int64Big();
    const activeTime = this.version >= 3 ? r.int64Big() : -1n;
    const pelSize = r.count('stream consumer PEL size');
    if (this.consumerNames.has(name)) fail('Duplicate stream consumer detected.');
    this.consumerNames.add(name);
    this.consumer = { name, seenTime, activeTime, pending: [] };
    this.group!.consumers.push(this.consumer);
    this.left = pelSize;
    this.state = pelSize > 0 ? S.ConsumerPel : this.nextConsumerState();
  }

  private consumerPelEntry(r: RdbReader): void {
    const raw = r.bytes(16);
    const key = raw.toString('latin1');
    const owner = this.groupPel.get(key);
    if (owner === undefined) fail('Consumer entry not found in group global PEL');
    const consumer = this.consumer!;
    if (owner === consumer) fail('Duplicated consumer PEL entry  loading a stream consumer group');
    this.groupPel.set(key, consumer);
    consumer.pending.push(rawId(raw));
    if (--this.left === 0) this.state = this.nextConsumerState();
  }

  private nackEntry(r: RdbReader): void {
    const raw = r.bytes(16);
    const owner = this.groupPel.get(raw.toString('latin1'));
    if (owner === undefined) fail('Stream NACK zone entry not found in group global PEL');
    if (owner !== null) fail('Stream NACK zone entry has a consumer assigned');
    this.group!.nacked.push(rawId(raw));
    if (--this.left === 0) this.state = this.nextGroupState();
  }

  private idmpHeader(r: RdbReader): void {
    const duration = r.lengthBig();
    const maxEntries = r.lengthBig();
    const producers = r.count('stream IDMP producer count');
    if (duration < 1n || duration > IDMP_DURATION_MAX) fail('Stream IDMP duration out of range');
    if (maxEntries < 1n || maxEntries > IDMP_MAXSIZE_MAX) fail('Stream IDMP max entries out of range');
    this.idmp = { duration, maxEntries, producers: [], iidsAdded: 0n, iidsDuplicates: 0n };
    this.value!.idmp = this.idmp;
    this.producersLeft = producers;
    this.state = this.nextProducerState();
  }

  private nextProducerState(): S {
    if (this.producersLeft === 0) return S.IdmpCounters;
    this.producersLeft--;
    return S.Producer;
  }

  private producerHeader(r: RdbReader): void {
    const pid = r.string();
    const count = r.count('stream IDMP entry count');
    // A producer saved twice fails rdbLoadStreamIdmpEntries (raxTryInsert); one whose
    // records had all expired when saved is written with none, and skipped.
    if (count > 0 && this.producerNames.has(pid)) fail('Stream IDMP entries loading failed.');
    this.producerNames.add(pid);
    this.producer = { pid, entries: [] };
    if (count > 0) this.idmp!.producers.push(this.producer);
    this.left = count;
    this.state = count > 0 ? S.IdmpEntry : this.nextProducerState();
  }

  private idmpEntry(r: RdbReader): void {
    const iid = r.string();
    const id = readId(r);
    this.producer!.entries.push({ iid, id });
    if (--this.left === 0) this.state = this.nextProducerState();
  }
}

