import { Body, Controller, Delete, HttpCode, Param, Post, Put } from '@nestjs/common';
import { RequestId } from '../common/request-id.decorator';
import { ParseIdPipe } from '../common/validation';
import { UpsertSelectionDto } from './dto/upsert-selection.dto';
import { SelectionsService } from './selections.service';

@Controller('selections')
export class SelectionsController {
  constructor(private readonly selections: SelectionsService) {}

  @Put(':workoutId')
  put(
    @Param('workoutId', ParseIdPipe) workoutId: number,
    @Body() body: UpsertSelectionDto,
    @RequestId() requestId?: string,
  ) {
    return this.selections.upsert(workoutId, body, requestId);
  }

  /** The previous backend accepted POST as a synonym of PUT. */
  @Post(':workoutId')
  @HttpCode(200)
  post(
    @Param('workoutId', ParseIdPipe) workoutId: number,
    @Body() body: UpsertSelectionDto,
    @RequestId() requestId?: string,
  ) {
    return this.selections.upsert(workoutId, body, requestId);
  }

  @Delete(':workoutId')
  async remove(@Param('workoutId', ParseIdPipe) workoutId: number) {
    await this.selections.remove(workoutId);
    return { message: 'Selection deleted' };
  }
}
