import { GenericContainer, Network, Wait, type StartedTestContainer } from 'testcontainers';

/** The same stack as scripts/stack, from images, for machines with a Docker engine. */
export async function startContainers() {
  const network = await new Network().start();
  const started: StartedTestContainer[] = [];
  const postgres = await new GenericContainer('postgres:16')
    .withNetwork(network).withNetworkAliases('postgres')
    .withEnvironment({ POSTGRES_USER: 'mittr', POSTGRES_PASSWORD: 'mittr', POSTGRES_DB: 'mittr' })
    .withCopyContentToContainer([{ content: 'CREATE DATABASE mittr_registry OWNER mittr;', target: '/docker-entrypoint-initdb.d/registry.sql' }])
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  started.push(postgres);
  const kafka = await new GenericContainer('apache/kafka:3.9.1')
    .withNetwork(network).withNetworkAliases('kafka')
    .withExposedPorts({ container: 9092, host: 19092 })
    .withEnvironment({
      KAFKA_NODE_ID: '1', KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:19092',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER', KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1', KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1', KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  started.push(kafka);
  const registry = await new GenericContainer('apicurio/apicurio-registry:3.3.3')
    .withNetwork(network)
    .withEnvironment({
      APICURIO_STORAGE_KIND: 'sql', APICURIO_STORAGE_SQL_KIND: 'postgresql',
      APICURIO_DATASOURCE_URL: 'jdbc:postgresql://postgres:5432/mittr_registry',
      APICURIO_DATASOURCE_USERNAME: 'mittr', APICURIO_DATASOURCE_PASSWORD: 'mittr',
    })
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
    .start();
  started.push(registry);
  return {
    urls: {
      kafkaBrokers: `127.0.0.1:19092`,
      databaseUrl: `postgres://mittr:mittr@${postgres.getHost()}:${postgres.getMappedPort(5432)}/mittr`,
      registryUrl: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
    },
    async stop() {
      for (const c of started.reverse()) await c.stop();
      await network.stop();
    },
  };
}
