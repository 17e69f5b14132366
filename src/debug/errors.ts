// Every error the adapter shows a person, built in one place with a code
// (js-debug's src/dap/errors.ts): the session turns an AdapterError into an
// error response, so a bad request is a message, never a crash.

export enum ErrorCode {
  LaunchConfig = 1001,
  RedisConf = 1002,
  ReplicaStart = 1003,
  UnknownThread = 1010,
  NotStopped = 1011,
  UnknownSource = 1012,
  UnknownVariables = 1013,
  Evaluate = 1020,
  NoException = 1021,
  SetVariable = 1022,
  UnknownRequest = 1030,
  Attach = 1040,
  NotRunning = 1041,
  MasterQuery = 1042,
  Replicaof = 1043,
}

export class AdapterError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'AdapterError';
  }
}

export const errors = {
  launchConfig: (message: string): AdapterError => new AdapterError(ErrorCode.LaunchConfig, `Invalid launch configuration: ${message}`),
  redisConf: (file: string, message: string): AdapterError => new AdapterError(ErrorCode.RedisConf, `redisConf ${file}: ${message}`),
  replicaStart: (index: number, message: string): AdapterError => new AdapterError(ErrorCode.ReplicaStart, `replica ${index} could not start: ${message}`),
  unknownThread: (threadId: number): AdapterError => new AdapterError(ErrorCode.UnknownThread, `no replica has thread id ${threadId}`),
  notStopped: (threadId: number): AdapterError => new AdapterError(ErrorCode.NotStopped, `replica thread ${threadId} is not stopped`),
  unknownSource: (): AdapterError => new AdapterError(ErrorCode.UnknownSource, 'this adapter serves only the replication state-machine document'),
  unknownVariables: (ref: number): AdapterError => new AdapterError(ErrorCode.UnknownVariables, `no variables with reference ${ref}`),
  evaluate: (message: string): AdapterError => new AdapterError(ErrorCode.Evaluate, message),
  setVariable: (message: string): AdapterError => new AdapterError(ErrorCode.SetVariable, message),
  unknownRequest: (command: string): AdapterError => new AdapterError(ErrorCode.UnknownRequest, `unknown request '${command}'`),
  attach: (message: string): AdapterError => new AdapterError(ErrorCode.Attach, `Cannot attach: ${message}`),
  launchOnServer: (): AdapterError => new AdapterError(ErrorCode.Attach, 'this redis-replica-debugger already hosts its replicas: use an attach configuration with its --debug-port, not launch'),
  notRunning: (): AdapterError => new AdapterError(ErrorCode.NotRunning, 'no replicas yet: launch or attach first'),
  masterQuery: (message: string): AdapterError => new AdapterError(ErrorCode.MasterQuery, `Asking the master: ${message}`),
  replicaof: (redisError: string): AdapterError => new AdapterError(ErrorCode.Replicaof, `REPLICAOF: ${redisError}`),
  noException: (threadId: number): AdapterError => new AdapterError(ErrorCode.NoException, `replica thread ${threadId} is not stopped on an exception`),
};
