// Wangge's ECharts: only the charts and components the dashboards, the screen and the
// briefing use (ECharts' modular build), bundled at setup by scripts/collect_assets.py.
// The full build is 1.1 MB; this one is a third of that. It sets the global `echarts`
// exactly as the full build does, so pages call echarts.init() unchanged.
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TitleComponent,
  TooltipComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart, LineChart, PieChart,
  GridComponent, LegendComponent, MarkLineComponent, TitleComponent,
  TooltipComponent, CanvasRenderer,
]);
window.echarts = echarts;
